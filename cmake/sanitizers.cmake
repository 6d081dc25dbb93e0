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
