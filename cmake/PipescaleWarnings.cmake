# Warnings as errors on the project's own targets only; third-party headers come in as SYSTEM.
function(pipescale_target_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Werror)
endfunction()
