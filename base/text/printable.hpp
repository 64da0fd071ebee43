#pragma once
// Text from input made safe to print in a message: control bytes (below 0x20, and 0x7f) become
// escapes (`\0`, `\t`, `\n`, `\r`, `\xNN`) and a backslash is doubled, so that a NUL byte in a trace
// cannot cut an error message short and a stray escape sequence cannot rewrite the terminal.
// Bytes from 0x80 up pass unchanged (UTF-8 names stay readable).
#include <string>
#include <string_view>

namespace pipescale {

inline std::string printable(std::string_view text) {
  constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte != 0x7f && c != '\\') {
      out += c;
      continue;
    }
    out += '\\';
    switch (c) {
      case '\\': out += '\\'; break;
      case '\0': out += '0'; break;
      case '\t': out += 't'; break;
      case '\n': out += 'n'; break;
      case '\r': out += 'r'; break;
      default:
        out += 'x';
        out += kHex[byte >> 4U];
        out += kHex[byte & 0xfU];
    }
  }
  return out;
}

}  // namespace pipescale
