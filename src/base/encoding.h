// Hex and base64 (RFC 4648) text encodings of byte strings.
//
// Decoders are strict: hex needs an even number of [0-9a-fA-F]; base64 needs the standard
// alphabet with '=' padding to a multiple of 4 (or, for the URL alphabet, no padding), and
// non-zero trailing bits are rejected so every encoding is canonical. Pure functions.
//
//   HexEncode("\x01\xff") == "01ff";  Base64Decode("aGk=") -> "hi"
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace tadamun {

std::string HexEncode(std::string_view bytes);  // lowercase
StatusOr<std::string> HexDecode(std::string_view hex);
bool IsHex(std::string_view text);  // non-empty, only hex digits

std::string Base64Encode(std::string_view bytes);  // standard alphabet, padded
StatusOr<std::string> Base64Decode(std::string_view text);
std::string Base64UrlEncode(std::string_view bytes);  // URL alphabet, unpadded
StatusOr<std::string> Base64UrlDecode(std::string_view text);

}  // namespace tadamun
