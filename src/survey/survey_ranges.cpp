/// The survey's grid on the command line: --hidden and --lambda ranges, and lambda as the file
/// names write it.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <sstream>
#include <stdexcept>

#include "survey/survey_detail.hpp"

namespace lossland::survey {

namespace {

std::string trim(const std::string& s) {
  const auto a = s.find_first_not_of(" \t");
  const auto b = s.find_last_not_of(" \t");
  return a == std::string::npos ? "" : s.substr(a, b - a + 1);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, sep)) out.push_back(trim(item));
  return out;
}

double parse_double(const std::string& s, const std::string& what) {
  try {
    std::size_t used = 0;
    const double v = std::stod(s, &used);
    if (used != s.size()) throw std::invalid_argument("");
    return v;
  } catch (const std::exception&) {
    throw std::invalid_argument(what + ": '" + s + "' is not a number");
  }
}

int parse_int(const std::string& s, const std::string& what) {
  const double v = parse_double(s, what);
  if (v != std::floor(v) || v < 1 || v > 100000)
    throw std::invalid_argument(what + ": '" + s + "' is not a whole number >= 1");
  return static_cast<int>(v);
}

}  // namespace

namespace detail {

std::string format_lambda(double lambda) {
  std::string s = fmt::format("{:.0e}", lambda);
  // Keep the exact value when %.0e loses it (e.g. 2.5e-3).
  if (std::stod(s) != lambda) {
    s = fmt::format("{:.6g}", lambda);
  }
  return s;
}

}  // namespace detail

std::vector<int> parse_hidden(const std::string& text) {
  const std::string what = "--hidden";
  std::vector<int> out;
  const std::string t = trim(text);
  if (t.empty()) throw std::invalid_argument(what + ": the range is empty; give e.g. 1:6 or 2,4");
  if (t.find(':') != std::string::npos) {
    const auto parts = split(t, ':');
    if (parts.size() != 2)
      throw std::invalid_argument(what + ": '" + t + "' is not FIRST:LAST, e.g. 1:6");
    const int a = parse_int(parts[0], what), b = parse_int(parts[1], what);
    if (b < a) throw std::invalid_argument(what + ": '" + t + "' is an empty range (LAST < FIRST)");
    for (int h = a; h <= b; ++h) out.push_back(h);
  } else {
    for (const auto& p : split(t, ',')) {
      if (p.empty()) throw std::invalid_argument(what + ": '" + t + "' has an empty entry");
      out.push_back(parse_int(p, what));
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<double> parse_lambda(const std::string& text) {
  const std::string what = "--lambda";
  std::vector<double> out;
  const std::string t = trim(text);
  if (t.empty()) throw std::invalid_argument(what + ": the range is empty; give e.g. 1e-1:1e-6");
  auto check = [&](double v, const std::string& s) {
    if (!std::isfinite(v) || v < 0)
      throw std::invalid_argument(what + ": '" + s + "' must be finite and >= 0");
    return v;
  };
  if (t.find(':') != std::string::npos) {
    const auto parts = split(t, ':');
    if (parts.size() != 2 && parts.size() != 3)
      throw std::invalid_argument(what + ": '" + t + "' is not FIRST:LAST or FIRST:LAST:COUNT");
    const double a = check(parse_double(parts[0], what), parts[0]);
    const double b = check(parse_double(parts[1], what), parts[1]);
    if (a <= 0 || b <= 0)
      throw std::invalid_argument(what + ": a range runs on a log scale; its ends must be > 0");
    int count = 0;
    if (parts.size() == 3) {
      count = parse_int(parts[2], what);
    } else {
      const double decades = std::abs(std::log10(a / b));
      if (std::abs(decades - std::round(decades)) > 1e-9)
        throw std::invalid_argument(what + ": '" + t +
                                    "' does not span whole decades; add a count, FIRST:LAST:COUNT");
      count = static_cast<int>(std::round(decades)) + 1;
    }
    for (int k = 0; k < count; ++k) {
      const double f = count == 1 ? 0.0 : static_cast<double>(k) / (count - 1);
      // Round to 12 significant digits so that 1e-1:1e-6 gives exactly 1e-1, 1e-2, ...
      const double v = std::pow(10.0, std::log10(a) + f * (std::log10(b) - std::log10(a)));
      out.push_back(std::stod(fmt::format("{:.12g}", v)));
    }
  } else {
    for (const auto& p : split(t, ',')) {
      if (p.empty()) throw std::invalid_argument(what + ": '" + t + "' has an empty entry");
      out.push_back(check(parse_double(p, what), p));
    }
  }
  std::sort(out.begin(), out.end(), std::greater<double>());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace lossland::survey
