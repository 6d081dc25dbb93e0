# Every dependency comes from Debian 12's packages; scripts/deps.sh installs them.
find_package(Threads REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(CLI11 REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(simdjson REQUIRED)
# The Redis backend: hiredis has no CMake package in Debian 12, only a pkg-config file.
# msgpack-cxx decodes and encodes the seed's msgpack payloads, without Boost.
find_package(PkgConfig REQUIRED)
pkg_check_modules(HIREDIS REQUIRED IMPORTED_TARGET hiredis)
# The HTTP API (lmx run --listen): Debian builds cpp-httplib as a shared library, and its
# pkg-config file carries the feature macros its header must be compiled with.
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib>=0.11)
find_package(msgpack REQUIRED)
# The state digest (core/state_digest.cpp) inlines xxHash from its header alone, so there is
# no library to link, here or in a project that links liblmx.
find_path(XXHASH_INCLUDE_DIR xxhash.h REQUIRED)
