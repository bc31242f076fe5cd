// File: export.hpp
//
// WRIT_API marks what the library exports. writ is compiled with hidden
// symbol visibility, so libwrit.so exports the public API and nothing of its
// internals; in the static library the mark changes nothing.
#ifndef WRIT_EXPORT_HPP_
#define WRIT_EXPORT_HPP_

// WRIT_LOCAL keeps a member of an exported class out of the library's
// symbols (a private constructor that takes an internal type).
#if defined(__GNUC__) || defined(__clang__)
#define WRIT_API __attribute__((visibility("default")))
#define WRIT_LOCAL __attribute__((visibility("hidden")))
#else
#define WRIT_API
#define WRIT_LOCAL
#endif

#endif  // WRIT_EXPORT_HPP_
