# `cmake --install` puts the headers, the library and a package config in place, so an
# outside project can `find_package(lmx)` and link `lmx::lmx`.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(DIRECTORY include/lmx DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS lmx lmx_warnings lmx_sanitizers EXPORT lmxTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(TARGETS lmx_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(EXPORT lmxTargets NAMESPACE lmx:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/lmx)
configure_package_config_file(cmake/lmxConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/lmxConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/lmx)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/lmxConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/lmxConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/lmxConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/lmx)
