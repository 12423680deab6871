"""IMS Common Cartridge 1.3 (thin profile): a path exported as a cartridge an LMS can
import, and a cartridge (an LMS course export, an OER package) imported as a path."""
