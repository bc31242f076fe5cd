/* File: tests/c_api/c_api_test.c
 *
 * The C API (include/writ/writ.h) from C99, as a Go or Rust program would
 * use it through its foreign-function interface, linked against libwrit.so.
 *
 *   c_api_test POLICY HISTORY BROKEN_POLICY [REQUEST.json ...]
 *
 * Checks loading (a policy, a history, a policy with an error, a missing
 * file), parsing (input problems, malformed JSON), deciding (fresh and into
 * a reused decision), every list of a decision, explaining, NULL handles,
 * and many threads deciding with one policy. Then prints, for each REQUEST
 * file, the decision's JSON under POLICY on one line: c_api_agrees.py checks
 * those against `writ eval --format json`. Exit status 0 when every check
 * holds; each failed check is printed with its line.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "writ/writ.h"

static int failures = 0;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                              \
    }                                                                          \
  } while (0)

/* A status must be NULL; otherwise print it and count a failure. */
#define OK(call)                                                           \
  do {                                                                     \
    writ_status* st_ = (call);                                             \
    if (st_ != NULL) {                                                     \
      fprintf(stderr, "%s:%d: %s failed: %s\n", __FILE__, __LINE__, #call, \
              writ_status_message(st_));                                   \
      writ_status_free(st_);                                               \
      ++failures;                                                          \
    }                                                                      \
  } while (0)

/* strcmp that a NULL (a failed call) makes unequal, not a crash. */
static int streq(const char* a, const char* b) {
  return a != NULL && b != NULL && strcmp(a, b) == 0;
}

static char* read_file(const char* path, size_t* length) {
  FILE* f = fopen(path, "rb");
  if (f == NULL) return NULL;
  size_t cap = 4096, n = 0;
  char* buf = malloc(cap);
  size_t got;
  while (buf != NULL && (got = fread(buf + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap) {
      cap *= 2;
      char* grown = realloc(buf, cap);
      if (grown == NULL) free(buf);
      buf = grown;
    }
  }
  fclose(f);
  if (buf == NULL) return NULL;
  buf[n < cap ? n : cap - 1] = '\0';
  *length = n;
  return buf;
}

static const char* const kSuspect =
    "{\"received\":\"2024-10-02\",\"requester\":{\"kind\":\"law_enforcement\",\"country\":\"DE\","
    "\"verified\":true},"
    "\"instrument\":{\"type\":\"court_order\",\"issuer\":\"judge\",\"expires\":\"2030-01-01\"},"
    "\"subject\":{\"status\":\"suspect\",\"violates_tos\":true},"
    "\"offense\":{\"category\":\"terrorism\"},"
    "\"data\":{\"requested\":[\"ip_address\",\"phone_number\"]}}";

static void check_errors(const char* broken_path) {
  writ_policy* p = (writ_policy*)1;
  writ_status* st = writ_policy_load(broken_path, &p);
  CHECK(st != NULL);
  CHECK(p == NULL);
  CHECK(writ_status_code(st) == WRIT_INVALID_ARGUMENT);
  /* The diagnostics, rendered: file:line:col and a caret. */
  CHECK(strstr(writ_status_message(st), broken_path) != NULL);
  CHECK(strchr(writ_status_message(st), '^') != NULL);
  writ_status_free(st);

  st = writ_policy_load("/nonexistent/policy.writ", &p);
  CHECK(writ_status_code(st) == WRIT_NOT_FOUND);
  CHECK(strstr(writ_status_message(st), "nonexistent") != NULL);
  writ_status_free(st);

  /* NULL is never a crash. */
  st = writ_policy_load(NULL, &p);
  CHECK(writ_status_code(st) == WRIT_INVALID_ARGUMENT);
  writ_status_free(st);
  st = writ_decide_json(NULL, "{}", 2, NULL);
  CHECK(writ_status_code(st) == WRIT_INVALID_ARGUMENT);
  writ_status_free(st);
  CHECK(writ_status_code(NULL) == WRIT_OK);
  CHECK(streq(writ_status_message(NULL), ""));
  writ_status_free(NULL);
  writ_policy_free(NULL);
  writ_request_free(NULL);
  writ_decision_free(NULL);

  /* A policy from text with a type error. */
  const char* bad = "policy p {\n  default deny\n  rule r { when 1 == \"x\" allow }\n}\n";
  st = writ_policy_from_text("inline.writ", bad, strlen(bad), &p);
  CHECK(writ_status_code(st) == WRIT_INVALID_ARGUMENT);
  CHECK(strstr(writ_status_message(st), "inline.writ:") != NULL);
  writ_status_free(st);
}

static void check_policy(const writ_policy* policy) {
  CHECK(writ_policy_is_history(policy) == 0);
  CHECK(streq(writ_policy_name(policy), "telegram_2024"));
  CHECK(streq(writ_policy_version(policy), "2024-09"));
  CHECK(strlen(writ_policy_sha256(policy)) == 64);
  CHECK(writ_policy_rule_count(policy) > 0);
  CHECK(writ_policy_rule_name(policy, 0) != NULL);
  CHECK(writ_policy_rule_name(policy, writ_policy_rule_count(policy)) == NULL);

  /* A terror suspect under a judge's order: review, IP and phone number. */
  writ_decision* d = NULL;
  OK(writ_decide_json(policy, kSuspect, strlen(kSuspect), &d));
  CHECK(d != NULL);
  if (d == NULL) return;
  CHECK(writ_decision_effect(d) == WRIT_REVIEW);
  CHECK(streq(writ_effect_name(writ_decision_effect(d)), "review"));
  CHECK(writ_decision_open(d) == 0);
  CHECK(writ_decision_by_default(d) == 0);
  CHECK(writ_decision_count(d, WRIT_GRANTED) == 2);
  CHECK(streq(writ_decision_at(d, WRIT_GRANTED, 0), "ip_address"));
  CHECK(streq(writ_decision_at(d, WRIT_GRANTED, 1), "phone_number"));
  CHECK(writ_decision_at(d, WRIT_GRANTED, 2) == NULL);
  CHECK(writ_decision_count(d, WRIT_DECIDING_RULES) == 1);
  CHECK(writ_decision_count(d, WRIT_OBLIGATIONS) == 1);
  CHECK(streq(writ_decision_at(d, WRIT_OBLIGATIONS, 0), "transparency_report(\"quarterly\")"));
  CHECK(writ_decision_count(d, WRIT_MISSING) == 0);
  CHECK(writ_decision_count(d, WRIT_PROBLEMS) == 0);
  CHECK(strlen(writ_decision_message(d)) > 0);
  CHECK(strstr(writ_decision_json(d), "\"effect\":\"review\"") != NULL);
  writ_decision_free(d);

  /* Missing information: the subject's status unknown opens the decision. */
  const char* open_json =
      "{\"received\":\"2024-10-02\",\"requester\":{\"kind\":\"law_enforcement\",\"country\":\"DE\","
      "\"verified\":true},"
      "\"instrument\":{\"type\":\"court_order\",\"issuer\":\"judge\",\"expires\":\"2030-01-01\"},"
      "\"subject\":{\"violates_tos\":true},\"offense\":{\"category\":\"terrorism\"},"
      "\"data\":{\"requested\":[\"ip_address\"]}}";
  writ_request* r = NULL;
  OK(writ_request_parse(policy, open_json, strlen(open_json), &r));
  writ_decision* reused = writ_decision_new();
  CHECK(reused != NULL);
  OK(writ_decide_into(policy, r, reused));
  CHECK(writ_decision_effect(reused) == WRIT_REVIEW);
  CHECK(writ_decision_open(reused) == 1);
  CHECK(writ_decision_count(reused, WRIT_GRANTED) == 0);
  int lists_subject_status = 0;
  for (size_t i = 0; i < writ_decision_count(reused, WRIT_MISSING); ++i)
    if (streq(writ_decision_at(reused, WRIT_MISSING, i), "subject.status"))
      lists_subject_status = 1;
  CHECK(lists_subject_status);

  /* The same request parsed again with a wrong type: an input problem,
   * decided fail-safe, never an allow. */
  const char* wrong = "{\"requester\":{\"kind\":\"law_enforcement\",\"verified\":\"yes\"}}";
  OK(writ_request_parse_into(policy, wrong, strlen(wrong), r));
  CHECK(writ_request_problem_count(r) == 1);
  const char *attribute = NULL, *message = NULL;
  OK(writ_request_problem(r, 0, &attribute, &message));
  CHECK(attribute != NULL && streq(attribute, "requester.verified"));
  CHECK(message != NULL && strlen(message) > 0);
  writ_status* st = writ_request_problem(r, 1, &attribute, &message);
  CHECK(writ_status_code(st) == WRIT_OUT_OF_RANGE);
  writ_status_free(st);
  OK(writ_decide_into(policy, r, reused));
  CHECK(writ_decision_effect(reused) != WRIT_ALLOW);
  CHECK(writ_decision_count(reused, WRIT_PROBLEMS) == 1);

  /* Malformed JSON: a status, no decision. */
  writ_decision* none = (writ_decision*)1;
  st = writ_decide_json(policy, "{\"requester\":", 13, &none);
  CHECK(writ_status_code(st) == WRIT_INVALID_ARGUMENT);
  CHECK(none == NULL);
  writ_status_free(st);

  /* Explanations, text and JSON. */
  char* text = NULL;
  OK(writ_explain(policy, r, WRIT_TEXT, &text));
  CHECK(text != NULL && strstr(text, "deny") != NULL);
  writ_string_free(text);
  char* json = NULL;
  OK(writ_explain(policy, r, WRIT_JSON, &json));
  CHECK(json != NULL && json[0] == '{' && strstr(json, "\"rules\"") != NULL);
  writ_string_free(json);

  writ_request_free(r);
  writ_decision_free(reused);
}

static void check_history(const char* path) {
  writ_policy* h = NULL;
  OK(writ_policy_load(path, &h));
  if (h == NULL) return;
  CHECK(writ_policy_is_history(h) == 1);
  CHECK(streq(writ_policy_name(h), "telegram"));
  CHECK(streq(writ_policy_version(h), ""));
  /* A fraud suspect: the 2018 text (terror only) the day before the change,
   * the 2024 text (any crime against the ToS) from the day of the change. */
  const char* fmt =
      "{\"received\":\"%s\",\"requester\":{\"kind\":\"law_enforcement\",\"country\":\"DE\","
      "\"verified\":true},\"instrument\":{\"type\":\"search_warrant\",\"issuer\":\"judge\","
      "\"expires\":\"2025-01-15\"},\"subject\":{\"status\":\"suspect\",\"violates_tos\":true},"
      "\"offense\":{\"category\":\"fraud\"},\"data\":{\"requested\":[\"ip_address\"]}}";
  char json[1024];
  writ_decision* d = NULL;
  snprintf(json, sizeof json, fmt, "2024-09-22");
  OK(writ_decide_json(h, json, strlen(json), &d));
  CHECK(d != NULL && writ_decision_effect(d) == WRIT_DENY);
  writ_decision_free(d);
  snprintf(json, sizeof json, fmt, "2024-09-23");
  OK(writ_decide_json(h, json, strlen(json), &d));
  CHECK(d != NULL && writ_decision_effect(d) == WRIT_REVIEW);
  CHECK(d != NULL && strstr(writ_decision_json(d), "telegram-2024.writ") != NULL);
  /* The decision keeps its history alive. */
  writ_policy_free(h);
  CHECK(d != NULL && writ_decision_count(d, WRIT_GRANTED) == 1);
  writ_decision_free(d);
}

/* Threads share one policy; each has its own request and decision. */
struct worker {
  const writ_policy* policy;
  int reviews;
  int errors;
};

static void* decide_many(void* arg) {
  struct worker* w = arg;
  writ_request* r = NULL;
  writ_decision* d = writ_decision_new();
  for (int i = 0; i < 2000; ++i) {
    writ_status* st = r == NULL ? writ_request_parse(w->policy, kSuspect, strlen(kSuspect), &r)
                                : writ_request_parse_into(w->policy, kSuspect, strlen(kSuspect), r);
    if (st == NULL) st = writ_decide_into(w->policy, r, d);
    if (st != NULL) {
      ++w->errors;
      writ_status_free(st);
      continue;
    }
    if (writ_decision_effect(d) == WRIT_REVIEW) ++w->reviews;
  }
  writ_request_free(r);
  writ_decision_free(d);
  return NULL;
}

static void check_threads(const writ_policy* policy) {
  enum { kThreads = 4 };
  pthread_t threads[kThreads];
  struct worker workers[kThreads];
  for (int i = 0; i < kThreads; ++i) {
    workers[i] = (struct worker){policy, 0, 0};
    CHECK(pthread_create(&threads[i], NULL, decide_many, &workers[i]) == 0);
  }
  for (int i = 0; i < kThreads; ++i) {
    pthread_join(threads[i], NULL);
    CHECK(workers[i].errors == 0);
    CHECK(workers[i].reviews == 2000);
  }
}

int main(int argc, char** argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s POLICY HISTORY BROKEN_POLICY [REQUEST.json ...]\n", argv[0]);
    return 2;
  }
  CHECK(strlen(writ_version()) >= 5);
  writ_policy* policy = NULL;
  OK(writ_policy_load(argv[1], &policy));
  if (policy == NULL) return 1;
  check_errors(argv[3]);
  check_policy(policy);
  check_history(argv[2]);
  check_threads(policy);
  for (int i = 4; i < argc; ++i) {
    size_t length = 0;
    char* json = read_file(argv[i], &length);
    CHECK(json != NULL);
    if (json == NULL) continue;
    writ_decision* d = NULL;
    writ_status* st = writ_decide_json(policy, json, length, &d);
    if (st != NULL) {
      printf("{\"error\":%d}\n", (int)writ_status_code(st));
      writ_status_free(st);
    } else {
      printf("%s\n", writ_decision_json(d));
    }
    writ_decision_free(d);
    free(json);
  }
  writ_policy_free(policy);
  if (failures) fprintf(stderr, "%d checks failed\n", failures);
  return failures ? 1 : 0;
}
