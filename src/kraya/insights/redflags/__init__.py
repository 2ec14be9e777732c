"""Integrity red flags (OPEN-4): pure detectors over plain rows (`rules`),
the nightly job that feeds them with set-based reads and stores what they
find (`compute`), and the pages that show each flag with its evidence."""
