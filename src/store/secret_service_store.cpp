#include "store/secret_service_store.h"

#include "store/secret_wire.h"
#include "util/subprocess.h"

namespace stsh::store {

namespace {

// One request, one response; both are wiped here because either may hold a secret.
template <class T, class Decode>
Result<T> exchange(const util::Path& helper, const SecretRequest& request, Decode decode) {
  std::string input = encode_secret_request(request);
  auto output = util::run_filter(helper, {}, input);
  util::wipe(input);
  if (!output) return std::unexpected(output.error());
  Result<T> result = decode(*output);
  util::wipe(*output);
  return result;
}

SecretRequest request_for(SecretCall call, std::string_view item = {}) {
  SecretRequest request;
  request.call = call;
  request.item = std::string(item);
  return request;
}

}  // namespace

Availability SecretServiceStore::probe(const util::Path& helper) {
  auto availability = exchange<Availability>(helper, request_for(SecretCall::probe), decode_probe_response);
  if (!availability) return Availability{false, availability.error().message};
  return *availability;
}

Result<std::optional<util::Secret>> SecretServiceStore::get(std::string_view item) {
  return exchange<std::optional<util::Secret>>(m_helper, request_for(SecretCall::get, item), decode_get_response);
}

Result<void> SecretServiceStore::put(std::string_view item, const util::Secret& value,
                                     std::optional<util::TimePoint> expiration) {
  if (!is_storable_text(value.reveal())) {
    return fail(ErrorKind::internal, "the Secret Service stores text only; this value is not UTF-8 text");
  }
  SecretRequest request = request_for(SecretCall::put, item);
  request.value = value;
  request.expiration = expiration;
  return exchange<void>(m_helper, request, decode_done_response);
}

Result<void> SecretServiceStore::remove(std::string_view item) {
  return exchange<void>(m_helper, request_for(SecretCall::remove, item), decode_done_response);
}

Result<std::vector<ItemInfo>> SecretServiceStore::list() {
  return exchange<std::vector<ItemInfo>>(m_helper, request_for(SecretCall::list), decode_list_response);
}

}  // namespace stsh::store
