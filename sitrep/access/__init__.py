"""Who may see what: users and roles (auth), server-side sessions, whether the dashboard may
open at all (mode), and the append-only audit trail of who did what."""
