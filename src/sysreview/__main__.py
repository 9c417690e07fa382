from sysreview.cli import main

main()
