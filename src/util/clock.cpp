#include "util/clock.h"

#include <thread>

namespace stsh::util {

void RealSleeper::sleep(std::chrono::milliseconds duration) { std::this_thread::sleep_for(duration); }

}  // namespace stsh::util
