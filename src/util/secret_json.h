#pragma once
// JSON documents that hold secrets: every string is wiped once used.

#include <nlohmann/json.hpp>
#include <string_view>

#include "util/error.h"
#include "util/secret.h"

namespace stsh::util {

// Overwrites every string in the document, at any depth.
template <class Json>
void wipe_json_strings(Json& value) {
  if (value.is_string()) {
    wipe(value.template get_ref<std::string&>());
  } else if (value.is_structured()) {
    for (auto& child : value) wipe_json_strings(child);
  }
}

// Parses `text`, hands the object to `use`, then wipes it. Anything but a
// JSON object is `malformed`.
template <class T, class F>
Result<T> with_secret_json(std::string_view text, const Error& malformed, F use) {
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return std::unexpected(malformed);
  Result<T> result = use(doc);
  wipe_json_strings(doc);
  return result;
}

}  // namespace stsh::util
