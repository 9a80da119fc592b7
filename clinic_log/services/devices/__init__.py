"""Devices (model, serial, in service or retired) and the cartridge lots the owner registers, with their stock."""
