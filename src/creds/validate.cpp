#include "creds/validate.h"

#include <cctype>
#include <charconv>

#include "util/strings.h"

namespace stsh::creds {

namespace {

bool is_session_name_char(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  return std::isalnum(u) != 0 || c == '_' || c == '+' || c == '=' || c == ',' || c == '.' || c == '@' || c == '-';
}

}  // namespace

Result<void> validate_mfa_code(std::string_view code) {
  if (code.size() != 6 || !util::all_digits(code)) {
    return fail(ErrorKind::usage, "the MFA code must be exactly 6 digits (got " + std::to_string(code.size()) +
                                      " characters); type the code your authenticator shows");
  }
  return {};
}

Result<int> parse_duration(std::string_view text, int min, int max, std::string_view what) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  std::string range = std::to_string(min) + "-" + std::to_string(max) + " seconds";
  if (ec != std::errc{} || end != text.data() + text.size()) {
    return fail(ErrorKind::usage, std::string(what) + " must be a whole number of seconds (" + range + "), not '" +
                                      std::string(text) + "'");
  }
  if (value < min || value > max) {
    return fail(ErrorKind::usage, std::string(what) + " must be " + range + ", not " + std::to_string(value));
  }
  return value;
}

Result<void> validate_session_name(std::string_view name) {
  bool chars_ok = true;
  for (char c : name) chars_ok = chars_ok && is_session_name_char(c);
  if (name.size() < 2 || name.size() > 64 || !chars_ok) {
    return fail(ErrorKind::usage, "role session name '" + std::string(name) +
                                      "' is invalid: use 2-64 characters of letters, digits and _+=,.@-");
  }
  return {};
}

std::string default_session_name(std::string_view user) {
  std::string name = "stsh-";
  for (char c : user) name += is_session_name_char(c) ? c : '_';
  if (user.empty()) name += "session";
  if (name.size() > 64) name.resize(64);
  return name;
}

}  // namespace stsh::creds
