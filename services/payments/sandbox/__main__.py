from services.payments.sandbox.app import main

main()
