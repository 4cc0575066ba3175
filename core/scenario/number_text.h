/// Numbers written as text on a command line: decimal only, finite, whole string.
#pragma once

#include <optional>
#include <string>

namespace sg {

/// Parses the whole of `text` as a finite decimal number ("1200", "-0.5",
/// "1e3"); hexadecimal, "inf", "nan", blanks and trailing characters are refused.
std::optional<double> parse_decimal(const std::string& text);

/// The shortest text that reads back as the same number ("0.1", "1200", "1e+20").
std::string format_number(double value);

}  // namespace sg
