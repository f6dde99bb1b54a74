#pragma once
// Small string helpers with no knowledge of AWS.

#include <string>
#include <string_view>
#include <vector>

namespace stsh::util {

std::string to_lower(std::string_view s);
std::string_view trim_right(std::string_view s);
std::string_view trim(std::string_view s);
bool ends_with_icase(std::string_view s, std::string_view suffix);
std::string join(const std::vector<std::string>& parts, std::string_view separator);
bool all_digits(std::string_view s);

}  // namespace stsh::util
