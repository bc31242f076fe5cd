// File: export.hpp
//
// WRIT_API marks what the library exports. writ is compiled with hidden
// symbol visibility, so libwrit.so exports the public API and nothing of its
// internals; in the static library the mark changes nothing.
#ifndef WRIT_EXPORT_HPP_
#define WRIT_EXPORT_HPP_

#if defined(__GNUC__) || defined(__clang__)
#define WRIT_API __attribute__((visibility("default")))
#else
#define WRIT_API
#endif

#endif  // WRIT_EXPORT_HPP_
