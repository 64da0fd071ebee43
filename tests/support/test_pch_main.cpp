// The program that carries the test programs' precompiled header (tests/CMakeLists.txt): it is
// built with the very flags of every test program, so that they can all reuse its header.
int main() { return 0; }
