#pragma once
// ISO 8601 UTC timestamps as AWS writes them.

#include <optional>
#include <string>
#include <string_view>

#include "util/clock.h"

namespace stsh::util {

// Accepts "2026-11-24T10:00:00Z" with 0..9 fractional digits and "Z" or
// "+00:00"; fractions are truncated to whole seconds.
std::optional<TimePoint> parse_iso8601(std::string_view text);

// "2026-11-24T10:00:00Z"
std::string format_iso8601(TimePoint t);

// "11h 59m", "4m", "0m" for a duration in seconds (negative clamps to 0).
std::string format_duration(std::chrono::seconds d);

}  // namespace stsh::util
