from litreview.cli import main

raise SystemExit(main())
