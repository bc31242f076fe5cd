/* File: writ.h
 *
 * The C API of writ: load a policy (or a history of policies), parse
 * requests from JSON, decide them, read the decision, explain it. For Go
 * (cgo), Rust (bindgen), Zig, or any language with a C foreign-function
 * interface. C99; every handle is opaque; no C++ exception ever crosses it.
 *
 * Errors. A call that can fail returns `writ_status*`: NULL on success, else
 * a status with a code (`writ_code`, the same codes as absl::Status) and a
 * message (for a policy that does not check: every diagnostic, rendered as
 * `file:line:col` with a caret). The caller frees it with
 * writ_status_free(). Accessors of a valid handle cannot fail and return
 * their value directly. Passing NULL where a handle is required is an
 * InvalidArgument status, never a crash.
 *
 * Ownership. Every `*_new`, `*_load`, `*_parse` and `writ_decide` output is
 * the caller's, freed by the matching `*_free` (which accept NULL). Strings
 * returned as `const char*` belong to the handle they came from: a policy's
 * for as long as the policy lives, a decision's until it is decided again or
 * freed. Strings returned as `char*` are the caller's, freed with
 * writ_string_free().
 *
 * Threads. A loaded policy is immutable: decide with it from any number of
 * threads at once. Requests and decisions are used by one thread at a time.
 * A request or decision keeps its policy alive: free them in any order.
 *
 * Speed. writ_decide_into() into a decision made once with writ_decision_new()
 * allocates nothing; writ_request_parse_into() reuses the request's storage.
 *
 * Example:
 *   writ_policy* policy = NULL;
 *   writ_status* st = writ_policy_load("policies/telegram-2024.writ", &policy);
 *   if (st) { fprintf(stderr, "%s\n", writ_status_message(st)); writ_status_free(st); return 1; }
 *   writ_decision* d = NULL;
 *   st = writ_decide_json(policy, json, strlen(json), &d);
 *   if (!st) printf("%s\n", writ_effect_name(writ_decision_effect(d)));
 *   writ_decision_free(d);
 *   writ_policy_free(policy);
 *
 * Link with -lwrit (libwrit.so; pkg-config writ). The symbols carry the
 * version WRIT_C_1: a program linked today keeps working with later
 * releases of the same major version.
 */
#ifndef WRIT_WRIT_H_
#define WRIT_WRIT_H_

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__) || defined(__clang__)
#define WRIT_C_API __attribute__((visibility("default")))
#else
#define WRIT_C_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The codes of absl::StatusCode. */
typedef enum writ_code {
  WRIT_OK = 0,
  WRIT_INVALID_ARGUMENT = 3, /* a policy that does not check, malformed JSON, a NULL handle */
  WRIT_NOT_FOUND = 5,        /* a file that cannot be read */
  WRIT_FAILED_PRECONDITION = 9,
  WRIT_OUT_OF_RANGE = 11, /* an index past the end of a list */
  WRIT_UNIMPLEMENTED = 12,
  WRIT_INTERNAL = 13,         /* a bug: please report it */
  WRIT_RESOURCE_EXHAUSTED = 8 /* out of memory, or a limit */
} writ_code;

typedef enum writ_effect { WRIT_ALLOW = 0, WRIT_REVIEW = 1, WRIT_DENY = 2 } writ_effect;

typedef enum writ_format { WRIT_TEXT = 0, WRIT_JSON = 1 } writ_format;

typedef struct writ_status writ_status;
typedef struct writ_policy writ_policy;     /* a policy or a history of policies */
typedef struct writ_request writ_request;   /* a request, parsed for one policy */
typedef struct writ_decision writ_decision; /* a decision and what it names */

/* ---- library and status ---- */

/* writ's version, "MAJOR.MINOR.PATCH". */
WRIT_C_API const char* writ_version(void);
WRIT_C_API writ_code writ_status_code(const writ_status* status);      /* WRIT_OK for NULL */
WRIT_C_API const char* writ_status_message(const writ_status* status); /* "" for NULL */
WRIT_C_API void writ_status_free(writ_status* status);
WRIT_C_API void writ_string_free(char* string);
/* "allow", "review" or "deny". */
WRIT_C_API const char* writ_effect_name(writ_effect effect);

/* ---- policies ---- */

/* Loads, checks and compiles the policy or history at `path` (imports
 * relative to it). A policy with errors: WRIT_INVALID_ARGUMENT with the
 * rendered diagnostics. An unreadable file: WRIT_NOT_FOUND. */
WRIT_C_API writ_status* writ_policy_load(const char* path, writ_policy** out);
/* The same from text; `name` names it in diagnostics (imports resolve
 * relative to it). */
WRIT_C_API writ_status* writ_policy_from_text(const char* name, const char* text, size_t length,
                                              writ_policy** out);
WRIT_C_API void writ_policy_free(writ_policy* policy);
/* 1 for a history, 0 for a policy. */
WRIT_C_API int writ_policy_is_history(const writ_policy* policy);
WRIT_C_API const char* writ_policy_name(const writ_policy* policy);
/* "" for a history (each of its versions has one). */
WRIT_C_API const char* writ_policy_version(const writ_policy* policy);
/* SHA-256 (hex) of every source file's path and text. */
WRIT_C_API const char* writ_policy_sha256(const writ_policy* policy);
/* The rules of the policy (of a history: of its latest version). */
WRIT_C_API size_t writ_policy_rule_count(const writ_policy* policy);
WRIT_C_API const char* writ_policy_rule_name(const writ_policy* policy, size_t index);

/* ---- requests ---- */

/* Parses one JSON object into a new request for `policy`. Wrong types,
 * unknown enum members and the like are input problems (the request is
 * still decided, fail-safe); JSON that does not parse is
 * WRIT_INVALID_ARGUMENT. */
WRIT_C_API writ_status* writ_request_parse(const writ_policy* policy, const char* json,
                                           size_t length, writ_request** out);
/* The same into an existing request (made for `policy` or not), reusing its
 * storage. */
WRIT_C_API writ_status* writ_request_parse_into(const writ_policy* policy, const char* json,
                                                size_t length, writ_request* request);
WRIT_C_API void writ_request_free(writ_request* request);
/* The request's input problems: an attribute path and a message each. */
WRIT_C_API size_t writ_request_problem_count(const writ_request* request);
WRIT_C_API writ_status* writ_request_problem(const writ_request* request, size_t index,
                                             const char** attribute, const char** message);

/* ---- deciding ---- */

/* An empty decision to decide into (deny, nothing granted). */
WRIT_C_API writ_decision* writ_decision_new(void);
/* Decides `request` into a new decision. */
WRIT_C_API writ_status* writ_decide(const writ_policy* policy, const writ_request* request,
                                    writ_decision** out);
/* Decides into `decision`, reusing it: allocates nothing once warm. */
WRIT_C_API writ_status* writ_decide_into(const writ_policy* policy, const writ_request* request,
                                         writ_decision* decision);
/* Parses and decides in one call (JSON that does not parse: no decision and
 * WRIT_INVALID_ARGUMENT). */
WRIT_C_API writ_status* writ_decide_json(const writ_policy* policy, const char* json, size_t length,
                                         writ_decision** out);
WRIT_C_API void writ_decision_free(writ_decision* decision);

WRIT_C_API writ_effect writ_decision_effect(const writ_decision* decision);
/* 1 when the decision is review because information is missing. */
WRIT_C_API int writ_decision_open(const writ_decision* decision);
/* 1 when no rule applied and the policy's default decided. */
WRIT_C_API int writ_decision_by_default(const writ_decision* decision);
/* The decision's message ("" when none). */
WRIT_C_API const char* writ_decision_message(const writ_decision* decision);
/* The lists of a decision, by index: the rules that decided, the items that
 * may be disclosed, the items withheld, the attributes whose absence left it
 * open, the obligations ("name" or "name(\"argument\")"), and the
 * request's input problems ("attribute: message"). */
typedef enum writ_list {
  WRIT_DECIDING_RULES = 0,
  WRIT_GRANTED = 1,
  WRIT_WITHHELD = 2,
  WRIT_MISSING = 3,
  WRIT_OBLIGATIONS = 4,
  WRIT_PROBLEMS = 5
} writ_list;
WRIT_C_API size_t writ_decision_count(const writ_decision* decision, writ_list list);
/* The index-th entry of `list`, or NULL past its end. */
WRIT_C_API const char* writ_decision_at(const writ_decision* decision, writ_list list,
                                        size_t index);
/* The decision as `writ eval --format json` prints it. */
WRIT_C_API const char* writ_decision_json(const writ_decision* decision);

/* ---- explaining ---- */

/* Decides `request` and explains it: every rule's outcome and why. Text as
 * `writ eval --explain` prints it, or JSON. The caller frees `*out` with
 * writ_string_free(). */
WRIT_C_API writ_status* writ_explain(const writ_policy* policy, const writ_request* request,
                                     writ_format format, char** out);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WRIT_WRIT_H_ */
