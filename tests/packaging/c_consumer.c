/* A C program that embeds writ through its C API (include/writ/writ.h),
 * built against the installed header and libwrit.so by scripts/test.
 *
 *   c_consumer POLICY    decides one request and prints the effect
 */
#include <stdio.h>
#include <string.h>

#include <writ/writ.h>

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  writ_policy* policy = NULL;
  writ_status* st = writ_policy_load(argv[1], &policy);
  if (st != NULL) {
    fprintf(stderr, "%s\n", writ_status_message(st));
    writ_status_free(st);
    return 1;
  }
  const char* json = "{\"requester\":{\"kind\":\"private_party\"}}";
  writ_decision* d = NULL;
  st = writ_decide_json(policy, json, strlen(json), &d);
  if (st != NULL) {
    fprintf(stderr, "%s\n", writ_status_message(st));
    writ_status_free(st);
    writ_policy_free(policy);
    return 1;
  }
  printf("%s\n", writ_effect_name(writ_decision_effect(d)));
  const int ok = writ_decision_effect(d) != WRIT_ALLOW;
  writ_decision_free(d);
  writ_policy_free(policy);
  return ok ? 0 : 1;
}
