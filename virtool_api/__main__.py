from virtool_api.cli import main

main()
