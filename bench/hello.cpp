// The floor for the benchmark: the cheapest C++ process this machine can
// start (fully static, so no dynamic loader work at all).

#include <cstdio>

int main() {
  std::puts("hello");
  return 0;
}
