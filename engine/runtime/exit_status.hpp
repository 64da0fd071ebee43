#pragma once
// The exit statuses of the pipescale commands that run experiments (run, simulate, sweep), one
// meaning each, as their --help says.
namespace pipescale::engine {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;    // a role failed (run, sweep), or the simulation did
inline constexpr int kExitBadInput = 2;  // bad config, key or value: nothing started
inline constexpr int kExitSetup = 3;     // set-up failed, or the results could not be written
// The run ended, but figures in its summary failed their checks or data was lost on a corrupt
// ring: the summary says which, and marks them invalid (figure_checks.hpp).
inline constexpr int kExitInvalidFigures = 4;
inline constexpr int kExitInterrupted = 130;

}  // namespace pipescale::engine
