# Warnings every lmx target builds with. LMX_WARNINGS_AS_ERRORS turns them into errors
# (the dev preset does), so a warning cannot slip into main.
option(LMX_WARNINGS_AS_ERRORS "Treat compiler warnings as errors" OFF)

add_library(lmx_warnings INTERFACE)
target_compile_options(lmx_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Wunused -Woverloaded-virtual
  -Wnull-dereference -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough
  $<$<BOOL:${LMX_WARNINGS_AS_ERRORS}>:-Werror>)
