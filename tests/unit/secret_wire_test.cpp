#include "store/secret_wire.h"

#include <gtest/gtest.h>

#include <map>

#include "util/time_format.h"

namespace stsh::store {
namespace {

// An in-memory store that records what the helper side was asked.
class MemoryStore final : public ServedSecretStore {
 public:
  std::map<std::string, std::pair<util::Secret, std::optional<util::TimePoint>>> items;
  std::optional<Error> error;
  Availability availability{true, "in memory"};

  std::string_view backend() const override { return "memory"; }
  Availability probe() override { return availability; }
  Result<std::optional<util::Secret>> get(std::string_view item) override {
    if (error) return std::unexpected(*error);
    auto it = items.find(std::string(item));
    if (it == items.end()) return std::optional<util::Secret>{};
    return std::optional<util::Secret>{it->second.first};
  }
  Result<void> put(std::string_view item, const util::Secret& value,
                   std::optional<util::TimePoint> expiration) override {
    if (error) return std::unexpected(*error);
    items[std::string(item)] = {value, expiration};
    return {};
  }
  Result<void> remove(std::string_view item) override {
    if (error) return std::unexpected(*error);
    items.erase(std::string(item));
    return {};
  }
  Result<std::vector<ItemInfo>> list() override {
    if (error) return std::unexpected(*error);
    std::vector<ItemInfo> out;
    for (const auto& [name, entry] : items) out.push_back({name, entry.second});
    return out;
  }
};

// What the helper would answer to the request stsh encodes.
std::string round_trip(MemoryStore& store, const SecretRequest& request) {
  auto decoded = decode_secret_request(encode_secret_request(request));
  if (!decoded) return encode_secret_error(decoded.error());
  return serve_secret_request(store, *decoded);
}

SecretRequest request(SecretCall call, std::string item = {}) {
  SecretRequest r;
  r.call = call;
  r.item = std::move(item);
  return r;
}

TEST(SecretWire, PutThenGetKeepsValueAndExpiration) {
  MemoryStore store;
  SecretRequest put = request(SecretCall::put, "session/work");
  put.value = util::Secret("{\"SecretAccessKey\":\"se\\\"cr\\\\et'\",\"x\":\"\xc3\xa9\"}");
  put.expiration = util::parse_iso8601("2026-11-24T12:00:00Z");
  ASSERT_TRUE(decode_done_response(round_trip(store, put)));
  EXPECT_EQ(store.items.at("session/work").first, put.value);
  EXPECT_EQ(store.items.at("session/work").second, put.expiration);

  auto got = decode_get_response(round_trip(store, request(SecretCall::get, "session/work")));
  ASSERT_TRUE(got) << got.error().message;
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(**got, put.value);
}

TEST(SecretWire, PutWithoutExpirationStaysWithout) {
  MemoryStore store;
  SecretRequest put = request(SecretCall::put, "keys/work");
  put.value = util::Secret("v");
  ASSERT_TRUE(decode_done_response(round_trip(store, put)));
  EXPECT_FALSE(store.items.at("keys/work").second);
}

TEST(SecretWire, MissingItemIsAbsentNotAnError) {
  MemoryStore store;
  auto got = decode_get_response(round_trip(store, request(SecretCall::get, "keys/none")));
  ASSERT_TRUE(got) << got.error().message;
  EXPECT_FALSE(got->has_value());
}

TEST(SecretWire, EmptyValueIsFoundNotAbsent) {
  MemoryStore store;
  store.items["keys/empty"] = {util::Secret(""), std::nullopt};
  auto got = decode_get_response(round_trip(store, request(SecretCall::get, "keys/empty")));
  ASSERT_TRUE(got && got->has_value());
  EXPECT_TRUE((*got)->empty());
}

TEST(SecretWire, RemoveAndList) {
  MemoryStore store;
  store.items["keys/a"] = {util::Secret("1"), std::nullopt};
  store.items["session/a"] = {util::Secret("2"), util::parse_iso8601("2030-01-01T00:00:00Z")};
  store.items["session/b"] = {util::Secret("3"), util::parse_iso8601("2031-01-01T00:00:00Z")};
  ASSERT_TRUE(decode_done_response(round_trip(store, request(SecretCall::remove, "session/b"))));

  auto items = decode_list_response(round_trip(store, request(SecretCall::list)));
  ASSERT_TRUE(items) << items.error().message;
  ASSERT_EQ(items->size(), 2u);
  EXPECT_EQ((*items)[0].name, "keys/a");
  EXPECT_FALSE((*items)[0].expiration);
  EXPECT_EQ((*items)[1].name, "session/a");
  EXPECT_EQ((*items)[1].expiration, util::parse_iso8601("2030-01-01T00:00:00Z"));
}

TEST(SecretWire, ListResponseCarriesNoSecret) {
  MemoryStore store;
  store.items["keys/a"] = {util::Secret("do-not-send"), std::nullopt};
  EXPECT_EQ(round_trip(store, request(SecretCall::list)).find("do-not-send"), std::string::npos);
}

TEST(SecretWire, ProbeReportsAvailability) {
  MemoryStore store;
  store.availability = {false, "no Secret Service on the session bus"};
  auto availability = decode_probe_response(round_trip(store, request(SecretCall::probe)));
  ASSERT_TRUE(availability) << availability.error().message;
  EXPECT_FALSE(availability->available);
  EXPECT_EQ(availability->detail, "no Secret Service on the session bus");
}

TEST(SecretWire, StoreErrorsKeepKindAndMessage) {
  MemoryStore store;
  store.error = Error{ErrorKind::config, "the keyring is locked: unlock it"};
  auto got = decode_get_response(round_trip(store, request(SecretCall::get, "keys/a")));
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, ErrorKind::config);
  EXPECT_EQ(got.error().message, "the keyring is locked: unlock it");
  auto put = request(SecretCall::put, "keys/a");
  EXPECT_EQ(decode_done_response(round_trip(store, put)).error().kind, ErrorKind::config);
  EXPECT_EQ(decode_list_response(round_trip(store, request(SecretCall::list))).error().kind, ErrorKind::config);
}

TEST(SecretWire, OutOfRangeErrorKindBecomesInternal) {
  auto got = decode_done_response(R"({"ok":false,"kind":99,"message":"odd"})");
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, ErrorKind::internal);
  EXPECT_EQ(got.error().message, "odd");
}

TEST(SecretWire, MalformedResponsesAreInternalErrors) {
  for (const char* text : {"", "not json", "[]", R"({"ok":true})", R"({"ok":true,"found":true})"}) {
    auto got = decode_get_response(text);
    ASSERT_FALSE(got) << text;
    EXPECT_EQ(got.error().kind, ErrorKind::internal) << text;
  }
  for (const char* text : {R"({"ok":true})", R"({"ok":true,"items":[{"expiration":"2030-01-01T00:00:00Z"}]})",
                           R"({"ok":true,"items":[{"name":"a","expiration":"soon"}]})"}) {
    auto items = decode_list_response(text);
    ASSERT_FALSE(items) << text;
    EXPECT_EQ(items.error().kind, ErrorKind::internal) << text;
  }
  EXPECT_FALSE(decode_probe_response(R"({"ok":true})"));
}

TEST(SecretWire, BadRequestsAreRejected) {
  EXPECT_FALSE(decode_secret_request("{"));
  EXPECT_FALSE(decode_secret_request(R"({"call":"SecretGet"})"));
  EXPECT_FALSE(decode_secret_request(R"({"call":"SecretGet","item":""})"));
  EXPECT_FALSE(decode_secret_request(R"({"call":"SecretPut","item":"keys/a"})"));
  EXPECT_FALSE(decode_secret_request(R"({"call":"SecretPut","item":"keys/a","value":"v","expiration":"x"})"));
  auto unknown = decode_secret_request(R"({"call":"SecretFrobnicate"})");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("SecretFrobnicate"), std::string::npos);
}

TEST(SecretWire, TellsSecretRequestsFromStsRequests) {
  EXPECT_TRUE(is_secret_request(encode_secret_request(request(SecretCall::list))));
  EXPECT_TRUE(is_secret_request(R"({"call":"SecretGet","item":"keys/a"})"));
  EXPECT_FALSE(is_secret_request(R"({"call":"GetSessionToken","region":"us-east-1"})"));
  EXPECT_FALSE(is_secret_request(R"({"region":"us-east-1"})"));
  EXPECT_FALSE(is_secret_request("not json"));
}

TEST(SecretWire, StorableTextIsUtf8WithoutNul) {
  EXPECT_TRUE(is_storable_text(""));
  EXPECT_TRUE(is_storable_text("{\"k\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91\"}"));
  EXPECT_FALSE(is_storable_text(std::string_view("a\0b", 3)));
  EXPECT_FALSE(is_storable_text("\xff"));
  EXPECT_FALSE(is_storable_text("\xc3"));              // truncated
  EXPECT_FALSE(is_storable_text("\xc0\xaf"));          // overlong
  EXPECT_FALSE(is_storable_text("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(is_storable_text("\xf4\x90\x80\x80"));  // beyond U+10FFFF
}

}  // namespace
}  // namespace stsh::store
