# LMX_SANITIZE selects sanitizer instrumentation for every lmx target:
#   ""                    none
#   "address,undefined"   ASan + UBSan (the dev preset)
#   "thread"              ThreadSanitizer (the tsan preset)
set(LMX_SANITIZE "" CACHE STRING "Sanitizers to build with: address,undefined | thread | empty")

add_library(lmx_sanitizers INTERFACE)
if(LMX_SANITIZE)
  target_compile_options(lmx_sanitizers INTERFACE
    -fsanitize=${LMX_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(lmx_sanitizers INTERFACE -fsanitize=${LMX_SANITIZE})
endif()

# LMX_FUZZ adds libFuzzer's coverage instrumentation to every lmx target (clang only), so
# that the fuzz targets in fuzz/, which link the fuzzer itself, see the decoders' branches.
option(LMX_FUZZ "Build the libFuzzer targets in fuzz/ (clang; the fuzz preset)" OFF)
if(LMX_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "LMX_FUZZ needs clang (libFuzzer): configure with the fuzz preset")
  endif()
  target_compile_options(lmx_sanitizers INTERFACE -fsanitize=fuzzer-no-link)
endif()
