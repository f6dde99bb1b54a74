#include "util/time_format.h"

#include <gtest/gtest.h>

namespace stsh::util {
namespace {

using namespace std::chrono;

TimePoint at(int y, unsigned mo, unsigned d, int h, int mi, int s) {
  return sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi} + seconds{s};
}

TEST(ParseIso8601, WholeSecondsWithZ) { EXPECT_EQ(parse_iso8601("2026-11-24T10:00:00Z"), at(2026, 11, 24, 10, 0, 0)); }

TEST(ParseIso8601, FractionsAreTruncated) {
  EXPECT_EQ(parse_iso8601("2026-11-24T10:00:05.999Z"), at(2026, 11, 24, 10, 0, 5));
  EXPECT_EQ(parse_iso8601("2026-11-24T10:00:05.123456Z"), at(2026, 11, 24, 10, 0, 5));
  EXPECT_EQ(parse_iso8601("2026-11-24T10:00:05.1Z"), at(2026, 11, 24, 10, 0, 5));
  EXPECT_EQ(parse_iso8601("2026-11-24T10:00:05.123456789Z"), at(2026, 11, 24, 10, 0, 5));
}

TEST(ParseIso8601, UtcOffsetForm) {
  EXPECT_EQ(parse_iso8601("2026-11-24T10:00:00+00:00"), at(2026, 11, 24, 10, 0, 0));
  EXPECT_EQ(parse_iso8601("2026-11-24T10:00:00.500+00:00"), at(2026, 11, 24, 10, 0, 0));
}

TEST(ParseIso8601, LeapDay) { EXPECT_EQ(parse_iso8601("2028-02-29T23:59:59Z"), at(2028, 2, 29, 23, 59, 59)); }

TEST(ParseIso8601, RejectsGarbage) {
  for (const char* bad : {"",
                          "garbage",
                          "2026-11-24",
                          "2026-11-24T10:00:00",
                          "2026-11-24 10:00:00Z",
                          "2026-11-24T10:00:00z",
                          "2026-11-24T10:00:00+01:00",
                          "2026-11-24T10:00:00ZZ",
                          "2026-11-24T10:00:00.Z",
                          "2026-11-24T10:00:00.1234567890Z",
                          "2026-13-01T00:00:00Z",
                          "2026-02-30T00:00:00Z",
                          "2027-02-29T00:00:00Z",
                          "2026-11-24T24:00:00Z",
                          "2026-11-24T10:60:00Z",
                          "2026-11-24T10:00:60Z",
                          "26-11-24T10:00:00Z",
                          "2026-1-24T10:00:00Z",
                          "+2026-11-24T10:00:00Z",
                          "2026-11-24T10:00:00Z\n",
                          " 2026-11-24T10:00:00Z",
                          "2026-11-24T1a:00:00Z"}) {
    EXPECT_EQ(parse_iso8601(bad), std::nullopt) << bad;
  }
}

TEST(FormatIso8601, WritesUtcWithZ) {
  EXPECT_EQ(format_iso8601(at(2026, 11, 24, 10, 0, 0)), "2026-11-24T10:00:00Z");
  EXPECT_EQ(format_iso8601(at(1999, 1, 2, 3, 4, 5)), "1999-01-02T03:04:05Z");
}

TEST(FormatIso8601, RoundTrips) {
  TimePoint t = at(2031, 7, 9, 21, 45, 13);
  EXPECT_EQ(parse_iso8601(format_iso8601(t)), t);
}

TEST(FormatDuration, HoursAndMinutes) {
  EXPECT_EQ(format_duration(hours{11} + minutes{59} + seconds{59}), "11h 59m");
  EXPECT_EQ(format_duration(hours{36}), "36h 0m");
  EXPECT_EQ(format_duration(hours{1}), "1h 0m");
}

TEST(FormatDuration, MinutesOnly) {
  EXPECT_EQ(format_duration(minutes{4} + seconds{30}), "4m");
  EXPECT_EQ(format_duration(seconds{59}), "0m");
  EXPECT_EQ(format_duration(seconds{0}), "0m");
}

TEST(FormatDuration, NegativeClampsToZero) { EXPECT_EQ(format_duration(seconds{-3600}), "0m"); }

}  // namespace
}  // namespace stsh::util
