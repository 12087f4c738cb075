/* Email addresses compared as addresses (docs/submissions.md section 6):
 * the local part byte for byte after ASCII lower-casing, the domain by ASCII
 * rules in its A-label form; and the confusable skeleton that tells a
 * look-alike of an address from the address itself.
 * Pure code: memory only.
 *
 * Ownership: every function returning char * returns a new string, freed
 * by the caller with g_free. */
#pragma once

#include <glib.h>

/* The form of addr to compare with another address: "local@domain" with
 * the local part ASCII lower-cased (other bytes kept) and the domain ASCII
 * lower-cased, IDNA labels as A-labels ("xn--bcher-kva.example").  NULL when
 * addr is not a plain addr-spec: no '@', quotes, spaces, control
 * characters, or a domain that IDNA would change (a Kelvin sign, upper-case
 * non-ASCII letters, full-width dots). */
char *address_normalize (const char *addr);

/* TRUE when a and b are both plain addr-specs and the same address. */
gboolean address_equal (const char *a, const char *b);

/* The confusable skeleton of addr (UTS 39 with ICU, after NFKC and case
 * folding, the domain's A-labels read as Unicode): two addresses that look
 * alike have the same skeleton.  NULL only for NULL or invalid UTF-8. */
char *address_skeleton (const char *addr);

/* TRUE when addr looks like known (same skeleton) without being it. */
gboolean address_looks_like (const char *addr, const char *known);
