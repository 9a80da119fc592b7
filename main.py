"""Start Clinic Log (same as the `clinic-log` command)."""
from clinic_log.app import main

raise SystemExit(main())
