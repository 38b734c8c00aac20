# ECharts, the charting library of the HTML reports (src/monitor), fetched from the npm registry
# at build time with `npm ci` (exact version and integrity in report/package-lock.json) and
# compiled into the binary, so a report is one file that opens offline. Defines
# ORGANISM_ECHARTS_CPP, the generated source to add to organism_monitor.
find_program(ORGANISM_NPM npm)
find_program(ORGANISM_NODE node)
if(NOT ORGANISM_NPM OR NOT ORGANISM_NODE OR NOT EXISTS "${ORGANISM_NPM}" OR NOT EXISTS "${ORGANISM_NODE}")
  message(FATAL_ERROR "organism needs Node.js and npm at build time: HTML reports embed the ECharts "
                      "library, installed from the npm registry with 'npm ci' (report/package-lock.json). "
                      "Install them (Debian: apt-get install nodejs npm; scripts/setup does it) and configure again.")
endif()

set(_report_src ${CMAKE_SOURCE_DIR}/report)
set(_report_bin ${CMAKE_BINARY_DIR}/report)
file(READ ${_report_src}/package.json _package_json)
string(JSON ORGANISM_ECHARTS_VERSION GET "${_package_json}" dependencies echarts)
set(_echarts_js ${_report_bin}/node_modules/echarts/dist/echarts.min.js)
set(ORGANISM_ECHARTS_CPP ${CMAKE_BINARY_DIR}/generated/echarts_js.cpp)

add_custom_command(
  OUTPUT ${_echarts_js}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${_report_bin}
  COMMAND ${CMAKE_COMMAND} -E copy_if_different ${_report_src}/package.json ${_report_src}/package-lock.json ${_report_bin}
  COMMAND ${ORGANISM_NPM} ci --prefix ${_report_bin} --ignore-scripts --no-audit --no-fund --loglevel=error
  COMMAND ${CMAKE_COMMAND} -E touch ${_echarts_js}
  DEPENDS ${_report_src}/package.json ${_report_src}/package-lock.json
  COMMENT "npm ci: ECharts ${ORGANISM_ECHARTS_VERSION} for the HTML reports"
  VERBATIM)
add_custom_command(
  OUTPUT ${ORGANISM_ECHARTS_CPP}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/generated
  COMMAND ${ORGANISM_NODE} ${_report_src}/embed.mjs ${_echarts_js} ${ORGANISM_ECHARTS_CPP} ${ORGANISM_ECHARTS_VERSION}
  DEPENDS ${_echarts_js} ${_report_src}/embed.mjs
  COMMENT "Embedding echarts.min.js into the binary"
  VERBATIM)
