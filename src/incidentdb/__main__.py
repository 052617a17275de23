from incidentdb.cli import main

if __name__ == "__main__":  # not when a load's reading process imports it (readahead)
    main()
