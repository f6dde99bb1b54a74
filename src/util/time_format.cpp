#include "util/time_format.h"

#include <cstdio>

namespace stsh::util {

namespace {

// Reads exactly `width` decimal digits at `pos`, advancing it; nullopt on anything else.
std::optional<int> read_digits(std::string_view text, std::size_t& pos, std::size_t width) {
  if (pos + width > text.size()) return std::nullopt;
  int value = 0;
  for (std::size_t i = 0; i < width; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  pos += width;
  return value;
}

bool expect(std::string_view text, std::size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

}  // namespace

std::optional<TimePoint> parse_iso8601(std::string_view text) {
  using namespace std::chrono;
  std::size_t pos = 0;
  auto y = read_digits(text, pos, 4);
  if (!y || !expect(text, pos, '-')) return std::nullopt;
  auto mo = read_digits(text, pos, 2);
  if (!mo || !expect(text, pos, '-')) return std::nullopt;
  auto d = read_digits(text, pos, 2);
  if (!d || !expect(text, pos, 'T')) return std::nullopt;
  auto h = read_digits(text, pos, 2);
  if (!h || !expect(text, pos, ':')) return std::nullopt;
  auto mi = read_digits(text, pos, 2);
  if (!mi || !expect(text, pos, ':')) return std::nullopt;
  auto s = read_digits(text, pos, 2);
  if (!s) return std::nullopt;

  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    std::size_t digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      ++pos;
      ++digits;
    }
    if (digits == 0 || digits > 9) return std::nullopt;
  }

  std::string_view zone = text.substr(pos);
  if (zone != "Z" && zone != "+00:00") return std::nullopt;

  // Leap seconds (":60") are not accepted: AWS never writes them.
  year_month_day date{year{*y}, month{static_cast<unsigned>(*mo)}, day{static_cast<unsigned>(*d)}};
  if (!date.ok() || *h > 23 || *mi > 59 || *s > 59) return std::nullopt;
  return sys_days{date} + hours{*h} + minutes{*mi} + seconds{*s};
}

std::string format_iso8601(TimePoint t) {
  using namespace std::chrono;
  sys_days day_part = floor<days>(t);
  year_month_day date{day_part};
  hh_mm_ss<seconds> clock_time{t - day_part};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(clock_time.hours().count()), static_cast<int>(clock_time.minutes().count()),
                static_cast<int>(clock_time.seconds().count()));
  return buf;
}

std::string format_duration(std::chrono::seconds d) {
  long long total_minutes = d.count() > 0 ? d.count() / 60 : 0;
  long long hours = total_minutes / 60;
  long long minutes = total_minutes % 60;
  if (hours == 0) return std::to_string(minutes) + "m";
  return std::to_string(hours) + "h " + std::to_string(minutes) + "m";
}

}  // namespace stsh::util
