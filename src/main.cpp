// The taskhook executable: everything lives in the libraries; this only hands over.
#include "app/commands.hpp"

int main(int argc, char** argv) { return taskhook::app::run(argc, argv); }
