"""`python -m clinic_log` runs the same entry point as the `clinic-log` command."""

from clinic_log.app import main

raise SystemExit(main())
