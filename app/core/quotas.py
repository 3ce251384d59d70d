"""How many requests each rate-limited operation allows, and why each number.

Per account counts what one person (all their devices) does; per address counts what one
client address does, with room for many people behind one address (a carrier's NAT, an office
or a clinic's network). "Inferred" marks a number reasoned from how the app uses the route,
not measured. Each can be tuned with the setting named beside it (docs/operations.md).
"""

# Every request, per client address, counted in each worker process (app.core.ratelimit).
# Inferred: a screen of the app costs about ten requests, so 3,000 a minute is a busy NAT's
# worth of people using the app at once; a flood from one address stops here before it
# occupies the worker. DEFAULT_RATE_LIMIT, DEFAULT_RATE_WINDOW_SECONDS.
DEFAULT_PER_ADDRESS = 3000
DEFAULT_WINDOW_SECONDS = 60

# POST /v1/auth/refresh. Inferred: a device refreshes once per access token (15 minutes); ten
# a minute covers retries and several devices waking at once. REFRESH_RATE_LIMIT,
# REFRESH_ADDRESS_RATE_LIMIT.
REFRESH_PER_ACCOUNT = 10
REFRESH_PER_ADDRESS = 100
REFRESH_WINDOW_SECONDS = 60

# Creating a session, a check-in or a PEG response. Inferred: a day's use is a handful of
# creates; a phone back online uploads its backlog one create per item, so 60 a minute sends
# a few weeks of diary in a minute or two, following Retry-After. UPLOAD_RATE_LIMIT,
# UPLOAD_ADDRESS_RATE_LIMIT.
UPLOAD_PER_ACCOUNT = 60
UPLOAD_PER_ADDRESS = 600
UPLOAD_WINDOW_SECONDS = 60

# GET /v1/me/export: the whole account in one answer. Inferred: a person takes it once; five an
# hour leaves room for a download that failed. EXPORT_RATE_LIMIT, EXPORT_ADDRESS_RATE_LIMIT.
EXPORT_PER_ACCOUNT = 5
EXPORT_PER_ADDRESS = 50
EXPORT_WINDOW_SECONDS = 3600

# The clinician report (PDF or CSV). A PDF costs 0.23-0.33 s of CPU (measured on a 2-core
# server), so 20 an hour is at most about 7 s of CPU per person per hour; trying a few periods
# before a visit takes a handful (inferred). REPORT_RATE_LIMIT, REPORT_ADDRESS_RATE_LIMIT.
REPORT_PER_ACCOUNT = 20
REPORT_PER_ADDRESS = 200
REPORT_WINDOW_SECONDS = 3600
# One report is made at a time per account; a second asked meanwhile is told to come back in
# this many seconds, about the time the one in progress takes. The mark expires on its own
# after REPORT_IN_FLIGHT_SECONDS should the process making it die.
REPORT_RETRY_SECONDS = 1
REPORT_IN_FLIGHT_SECONDS = 120
