/* A shared library: gcc marks it executable, and the installer must still leave it alone. */
int fixture_answer(void) { return 42; }
