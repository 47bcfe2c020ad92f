from sitrep.ops.cli import main

raise SystemExit(main())
