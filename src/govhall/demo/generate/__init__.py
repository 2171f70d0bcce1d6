"""Synthetic cases on top of the demo catalogue, for benchmarks and demonstrations (`govhall generate`).

What it makes, over the last two years up to now:
- applicants: about one per twenty cases, most citizens, some enterprises with an operating citizen; ID numbers
  and phone numbers go through the same setters (SM4 ciphertext, HMAC-SM3 look-up hash) as real accounts, and
  each applicant's application form is encrypted once and shared by their cases; passwords are unusable;
- cases with the real mix: items weighted by popularity, channels web ~60 % / window ~35 % / api ~5 %, most
  completed, a few refused or withdrawn, corrections (a few repeated), tolerated gaps (容缺) with owed materials,
  special procedures with Suspension rows, a few decided late and a few stuck; the newest still open in every
  status, some overdue and some near their due date; a few repeat applications for the same item;
- deadlines from the working-day calendar (the same arithmetic as WorkCalendar.add_workdays), numbers in the
  real format region-date-sequence taken from CaseNumberCounter (ranges claimed atomically, so real
  submissions later never collide);
- live CaseTask rows for open accepted cases (the current step of the platform's process templates);
- ratings for about two thirds of completed cases, some for both stages, ~3 % bad with a Rectification (most
  closed on time, some late, some open), default ratings and reminders for part of the rest.

Each case gets one timeline event (its submission); generated cases carry no process state (workflow_state is
empty), so they are data for lists, supervision and statistics rather than cases to work through the engine.

Rows are written batch by batch (COPY on PostgreSQL, executemany on SQLite): memory does not grow with the
number of cases. The same seed and the same `now` give the same data (ciphertexts aside).
"""

from .calendar import FastCalendar
from .cases import GenerateSummary, generate_cases
from .people import synthetic_id_number, synthetic_phone, synthetic_uscc

__all__ = [
    "FastCalendar",
    "GenerateSummary",
    "generate_cases",
    "synthetic_id_number",
    "synthetic_phone",
    "synthetic_uscc",
]
