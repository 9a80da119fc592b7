"""The owner's Devices and lots page: devices in service or retired, cartridge lots and their stock."""
