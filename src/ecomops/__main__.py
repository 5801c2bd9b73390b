from ecomops.cli import main

main()
