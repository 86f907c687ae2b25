"""Vocabulary for realistic MSP data: client companies, people, software, components.

Plain data and a few pure helpers; all randomness comes from the caller's seeded generator.
"""

from __future__ import annotations

import random

# fmt: off
COMPANY_STEMS: tuple[str, ...] = (
    "Acme", "Harbor View", "Pinecrest", "Northwind", "Bluewater", "Cedar Ridge", "Summit",
    "Riverside", "Oakwood", "Lakeshore", "Granite", "Silverline", "Redwood", "Maple Leaf",
    "Ironbridge", "Stonegate", "Westfield", "Brightwater", "Eagle Point", "Foxglove", "Highland",
    "Kingsway", "Meadowbrook", "Parkview", "Sterling", "Willow Creek", "Aspen", "Beacon",
    "Clearview", "Crescent", "Driftwood", "Evergreen", "Fairhaven", "Golden Gate", "Hillcrest",
    "Juniper", "Keystone", "Lighthouse", "Millbrook", "Newport", "Orchard", "Pioneer", "Quarry",
    "Rosewood", "Sandstone", "Tidewater", "Union Square", "Valley", "Whitestone", "Yellowbirch",
    "Alder", "Brookside", "Copperfield", "Dunmore", "Elmwood", "Fenwick", "Glenview", "Hawthorne",
    "Ivy Lane", "Jasper", "Kestrel", "Larkspur", "Marlowe", "Norfolk", "Osprey", "Prescott",
    "Ridgeway", "Sycamore", "Thornbury", "Upton", "Vantage", "Wexford", "Ashford", "Bramble",
    "Carrington", "Delmar", "Easton", "Falcon", "Greystone", "Holloway", "Ironwood", "Kirkland",
    "Linden", "Monarch", "Northgate", "Oakridge", "Pemberton", "Radcliffe", "Shelby", "Trinity",
    "Vista", "Windmill", "Apex", "Bayside", "Cornerstone", "Dover", "Emerald", "Frontier",
    "Garrison", "Heritage", "Insight", "Landmark", "Meridian", "Nova", "Open Road", "Pinnacle",
    "Regent", "Sentinel", "Tanglewood", "Unity", "Vertex", "Wildwood", "Zenith", "Blackrock",
)

INDUSTRIES: tuple[str, ...] = (
    "Dental", "Family Dentistry", "Orthodontics", "Family Medicine", "Pediatrics", "Veterinary",
    "Law Group", "Legal LLP", "Accounting", "CPA Group", "Financial Advisors", "Insurance Agency",
    "Realty", "Property Management", "Construction", "Builders", "Engineering", "Architects",
    "Logistics", "Freight", "Manufacturing", "Machine Works", "Die Cutting", "Plastics",
    "Auto Group", "Motors", "Credit Union", "Community Bank", "School District", "Academy",
    "Church", "Foundation", "Nonprofit", "Hotel", "Restaurant Group", "Brewing Co", "Farms",
    "Landscaping", "Plumbing", "Electric", "HVAC", "Physical Therapy", "Eye Care", "Pharmacy",
    "Chiropractic", "Staffing", "Marketing", "Media", "Printing", "Title Company",
)

SITE_LOCATIONS: tuple[str, ...] = (
    "Main Office", "Head Office", "Branch", "Warehouse", "Clinic 2", "North", "South", "East",
    "West", "Downtown", "Plant 1", "Plant 2", "Remote Staff", "Servers", "Field", "Annex",
)

FIRST_NAMES: tuple[str, ...] = (
    "James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda", "William",
    "Elizabeth", "David", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah",
    "Charles", "Karen", "Daniel", "Nancy", "Matthew", "Lisa", "Anthony", "Betty", "Mark",
    "Margaret", "Donald", "Sandra", "Steven", "Ashley", "Paul", "Kimberly", "Andrew", "Emily",
    "Joshua", "Donna", "Kenneth", "Michelle", "Kevin", "Carol", "Brian", "Amanda", "George",
    "Melissa", "Timothy", "Deborah", "Ronald", "Stephanie", "Jason", "Rebecca", "Ryan", "Laura",
    "Jacob", "Sharon", "Gary", "Cynthia", "Nicholas", "Kathleen", "Eric", "Amy", "Jonathan",
    "Angela", "Priya", "Wei", "Aisha", "Mateo", "Sofia", "Liam", "Olivia", "Noah", "Emma",
)

LAST_NAMES: tuple[str, ...] = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
    "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
    "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
    "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall",
    "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Patel", "Chen", "Kowalski", "Okafor",
)

SERVER_ROLES: tuple[str, ...] = ("DC", "FS", "APP", "SQL", "RDS", "HV", "BKP", "PRT", "DC", "EXCH")
LINUX_ROLES: tuple[str, ...] = ("web", "db", "app", "nas", "util", "proxy", "mon")

WINDOWS_DESKTOP_OS: tuple[tuple[str, str, int], ...] = (
    ("Microsoft Windows 11 Pro 10.0.26100", "24H2", 26),
    ("Microsoft Windows 11 Pro 10.0.22631", "23H2", 22),
    ("Microsoft Windows 10 Pro 10.0.19045", "22H2", 34),
    ("Microsoft Windows 11 Enterprise 10.0.22631", "23H2", 5),
    ("Microsoft Windows 10 Enterprise 10.0.19045", "22H2", 5),
    ("Microsoft Windows 10 Home 10.0.19045", "22H2", 4),
    ("Microsoft Windows 11 Home 10.0.22631", "23H2", 3),
    ("Microsoft Windows 10 Pro 10.0.19044", "21H2", 1),
)
WINDOWS_SERVER_OS: tuple[tuple[str, str | None, int], ...] = (
    ("Microsoft Windows Server 2022 Standard 10.0.20348", "21H2", 30),
    ("Microsoft Windows Server 2019 Standard 10.0.17763", "1809", 34),
    ("Microsoft Windows Server 2016 Standard 10.0.14393", "1607", 24),
    ("Microsoft Windows Server 2012 R2 Standard 6.3.9600", None, 7),
    ("Microsoft Windows Server 2022 Datacenter 10.0.20348", "21H2", 3),
    ("Microsoft Windows Server 2025 Standard 10.0.26100", "24H2", 2),
)
MAC_OS: tuple[tuple[str, str, int], ...] = (
    ("macOS Sequoia 15.3.1", "15.3.1", 40),
    ("macOS Sonoma 14.7.4", "14.7.4", 35),
    ("macOS Ventura 13.7.4", "13.7.4", 20),
    ("macOS Monterey 12.7.6", "12.7.6", 5),
)
LINUX_OS: tuple[tuple[str, str | None, int], ...] = (
    ("Ubuntu 22.04.5 LTS", None, 35),
    ("Ubuntu 24.04.1 LTS", None, 25),
    ("Debian GNU/Linux 12 (bookworm)", None, 15),
    ("Red Hat Enterprise Linux 9.4 (Plow)", None, 10),
    ("Rocky Linux 9.5 (Blue Onyx)", None, 10),
    ("CentOS Linux 7 (Core)", None, 5),
)
ESXI_OS: tuple[tuple[str, str | None, int], ...] = (
    ("VMware ESXi 8.0.3 build-24022510", None, 40),
    ("VMware ESXi 7.0.3 build-23794027", None, 50),
    ("VMware ESXi 6.7.0 build-17700523", None, 10),
)
NETWORK_OS: tuple[tuple[str | None, str | None, int], ...] = (
    ("FortiOS v7.2.10", None, 25),
    ("Cisco IOS 15.2(7)E9", None, 20),
    ("Meraki MX 18.211", None, 15),
    ("SonicOS 7.0.1", None, 15),
    ("UniFi OS 4.0.21", None, 15),
    (None, None, 10),
)

PC_MODELS: tuple[tuple[str, str], ...] = (
    ("Dell Inc.", "OptiPlex 7010"), ("Dell Inc.", "OptiPlex 7090"), ("Dell Inc.", "Latitude 5440"),
    ("Dell Inc.", "Latitude 7420"), ("HP", "EliteDesk 800 G6"), ("HP", "ProBook 450 G9"),
    ("HP", "EliteBook 840 G8"), ("LENOVO", "ThinkPad T14 Gen 3"), ("LENOVO", "ThinkCentre M70q"),
    ("Microsoft Corporation", "Surface Pro 9"),
)
SERVER_MODELS: tuple[tuple[str, str], ...] = (
    ("Dell Inc.", "PowerEdge R650"), ("Dell Inc.", "PowerEdge T440"),
    ("HPE", "ProLiant DL380 Gen10"),
    ("VMware, Inc.", "VMware7,1"), ("Microsoft Corporation", "Virtual Machine"),
    ("LENOVO", "ThinkSystem SR650"),
)
MAC_MODELS: tuple[tuple[str, str], ...] = (
    ("Apple Inc.", "MacBookPro18,3"), ("Apple Inc.", "MacBookAir10,1"), ("Apple Inc.", "Mac14,2"),
    ("Apple Inc.", "iMac21,1"), ("Apple Inc.", "Macmini9,1"),
)
CPU_NAMES: tuple[str, ...] = (
    "Intel(R) Core(TM) i5-10500 CPU @ 3.10GHz",
    "Intel(R) Core(TM) i7-1185G7 @ 3.00GHz",
    "13th Gen Intel(R) Core(TM) i5-1345U",
    "AMD Ryzen 5 PRO 5650G with Radeon Graphics",
    "Intel(R) Xeon(R) Silver 4314 CPU @ 2.40GHz",
    "Intel(R) Xeon(R) E-2336 CPU @ 2.90GHz",
    "Apple M2",
)
PRINTER_MODELS: tuple[str, ...] = (
    "HP LaserJet Pro M404dn", "Brother MFC-L8900CDW", "Canon imageRUNNER ADVANCE C5535",
    "Xerox VersaLink C405", "Ricoh IM C3000", "Kyocera ECOSYS M3655idn",
)
NETWORK_MODELS: tuple[tuple[str, str], ...] = (
    ("FW", "Firewall"), ("SW", "Switch"), ("AP", "Access Point"), ("RTR", "Router"), ("NAS", "NAS"),
)

ANTIVIRUS_PRODUCTS: tuple[str, ...] = (
    "Datto AV", "Windows Defender", "Microsoft Defender for Endpoint", "SentinelOne",
    "Sophos Intercept X", "Webroot SecureAnywhere", "Bitdefender Endpoint Security Tools",
)

SOFTWARE: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Google Chrome", ("133.0.6943.127", "132.0.6834.160", "131.0.6778.205")),
    ("Mozilla Firefox (x64 en-US)", ("135.0.1", "134.0.2", "128.7.0")),
    ("Microsoft Edge", ("133.0.3065.82", "132.0.2957.140")),
    ("Microsoft 365 Apps for business - en-us", ("16.0.18429.20158", "16.0.18324.20194")),
    ("Adobe Acrobat Reader (64-bit)", ("25.001.20432", "24.005.20320")),
    ("7-Zip 24.09 (x64)", ("24.09",)),
    ("Notepad++ (64-bit x64)", ("8.7.7", "8.6.9")),
    ("Zoom Workplace (64-bit)", ("6.3.11", "6.2.10")),
    ("Microsoft Teams", ("25031.805.3440.5290", "24335.206.3315.1155")),
    ("Datto RMM", ("4.5.3201.3201", "4.5.3185.3185")),
    ("Splashtop Streamer", ("3.7.2.4", "3.7.0.0")),
    ("Microsoft Visual C++ 2015-2022 Redistributable (x64)", ("14.42.34433.0", "14.40.33810.0")),
    ("Microsoft .NET Runtime - 8.0.13 (x64)", ("8.0.13",)),
    ("Java 8 Update 441 (64-bit)", ("8.0.4410.7",)),
    ("VLC media player", ("3.0.21",)),
    ("Dentrix G7", ("7.6.1",)),
    ("QuickBooks Desktop Pro 2024", ("34.0.4002.3402",)),
    ("Sage 50 Accounting", ("31.1.0",)),
    ("AutoCAD LT 2024", ("24.3.61.0",)),
    ("Cisco Secure Client", ("5.1.7.80",)),
    ("FortiClient VPN", ("7.4.2.1737",)),
    ("Citrix Workspace 2409", ("24.9.10.28",)),
    ("PuTTY release 0.82 (64-bit)", ("0.82.0.0",)),
    ("WinSCP 6.3.6", ("6.3.6",)),
    ("Veeam Agent for Microsoft Windows", ("6.3.0.177",)),
    ("SQL Server 2019 Database Engine Services", ("15.0.2000.5",)),
    ("Microsoft Edge WebView2 Runtime", ("133.0.3065.82",)),
    ("Python 3.12.9 (64-bit)", ("3.12.9150.0",)),
    ("Git", ("2.48.1",)),
    ("TeamViewer", ("15.62.4",)),
)

# (name, description, category code, credentials required, variables: (name, type, default))
COMPONENTS: tuple[tuple[str, str, str, bool, tuple[tuple[str, str, str | None], ...]], ...] = (
    ("Restart Computer", "Restarts the device after an optional delay.", "scripts", False,
     (("delaySeconds", "string", "60"), ("force", "boolean", "false"))),
    ("Clear Temp Files", "Removes temporary files for all user profiles.", "scripts", False, ()),
    ("Flush DNS Cache", "Runs ipconfig /flushdns.", "scripts", False, ()),
    ("Restart Print Spooler", "Stops, clears and restarts the Print Spooler service.", "scripts",
     False, (("clearQueue", "boolean", "true"),)),
    ("Windows Update - Install All", "Installs all approved Windows updates.", "scripts", False,
     (("rebootAfter", "boolean", "false"),)),
    ("Reset Windows Update Components", "Resets the SoftwareDistribution folder.", "scripts",
     False, ()),
    ("Disk Cleanup", "Runs cleanmgr with the sageset profile.", "scripts", False,
     (("profile", "selection", "1"),)),
    ("Collect Event Logs", "Exports System and Application logs from the last N hours.",
     "scripts", False, (("hours", "string", "24"),)),
    ("Get BitLocker Status", "Reports BitLocker protection status and writes it to a UDF.",
     "scripts", False, (("udfNumber", "string", "5"),)),
    ("Run PowerShell Script", "Runs the supplied PowerShell as SYSTEM.", "scripts", True,
     (("script", "string", None), ("timeoutMinutes", "string", "10"))),
    ("Install Google Chrome", "Installs the latest Chrome Enterprise MSI.", "applications",
     False, ()),
    ("Install 7-Zip", "Installs 7-Zip silently.", "applications", False, ()),
    ("Install Microsoft 365 Apps", "Deploys Microsoft 365 Apps with an ODT configuration.",
     "applications", False, (("channel", "selection", "MonthlyEnterprise"),)),
    ("Uninstall Software by Name", "Uninstalls software matching a display name.", "scripts",
     False, (("displayName", "string", None),)),
    ("Set Power Plan - High Performance", "Sets the active power plan.", "scripts", False, ()),
    ("Reset Local Admin Password", "Rotates the local administrator password.", "scripts", True,
     (("username", "string", "Administrator"),)),
    ("Check Disk Health (SMART)", "Reads SMART attributes of all physical disks.", "scripts",
     False, ()),
    ("Restart Service", "Restarts a Windows service by name.", "scripts", False,
     (("serviceName", "string", None),)),
    ("Enable RDP", "Enables Remote Desktop and opens the firewall rule.", "scripts", False, ()),
    ("Gather Installed Software", "Lists installed software to stdout.", "scripts", False, ()),
)

MONITORED_SERVICES: tuple[tuple[str, str], ...] = (
    ("Spooler", "Print Spooler"), ("wuauserv", "Windows Update"),
    ("MSSQLSERVER", "SQL Server (MSSQLSERVER)"), ("W3SVC", "World Wide Web Publishing Service"),
    ("DNS", "DNS Server"), ("NTDS", "Active Directory Domain Services"),
    ("VeeamBackupSvc", "Veeam Backup Service"), ("CagService", "Datto RMM"),
    ("WinDefend", "Microsoft Defender Antivirus Service"), ("Dnscache", "DNS Client"),
)

EVENT_LOG_ENTRIES: tuple[tuple[str, str, str, str, str], ...] = (
    ("System", "7031", "Error", "Service Control Manager",
     "The Print Spooler service terminated unexpectedly. It has done this 1 time(s)."),
    ("System", "41", "Critical", "Microsoft-Windows-Kernel-Power",
     "The system has rebooted without cleanly shutting down first."),
    ("System", "153", "Warning", "disk",
     "The IO operation at logical block address 0x1a2b3c for Disk 0 was retried."),
    ("Application", "1000", "Error", "Application Error",
     "Faulting application name: OUTLOOK.EXE, version: 16.0.18429.20158"),
    ("System", "1014", "Warning", "Microsoft-Windows-DNS-Client",
     "Name resolution for the name wpad timed out after none of the configured DNS servers "
     "responded."),
    ("Security", "4625", "Information", "Microsoft-Windows-Security-Auditing",
     "An account failed to log on. Account Name: administrator"),
    ("Directory Service", "2887", "Warning", "NTDS LDAP",
     "During the previous 24 hour period, some clients attempted unsigned LDAP binds."),
    ("Application", "8193", "Error", "VSS",
     "Volume Shadow Copy Service error: Unexpected error calling routine CoCreateInstance."),
)

ACTIVITY_KINDS: tuple[tuple[str, str, str], ...] = (
    # entity, category, action
    ("DEVICE", "job", "deployment"),
    ("DEVICE", "remote", "session"),
    ("DEVICE", "device", "note"),
    ("DEVICE", "device", "move"),
    ("DEVICE", "audit", "complete"),
    ("USER", "user", "login"),
    ("USER", "alert", "resolve"),
    ("USER", "user", "logout"),
)

# fmt: on


def company_prefix(stem: str) -> str:
    """Hostname prefix for a company: the first word, or the initials of a multi-word stem."""
    words = [w for w in stem.replace("-", " ").split() if w.isalpha()]
    if not words:
        return "MSP"
    if len(words) == 1 or len(words[0]) >= 5:
        return words[0][:6].upper()
    return "".join(w[0] for w in words).upper()


def person(rng: random.Random) -> tuple[str, str]:
    """A (first, last) name pair."""
    return rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)


def username(first: str, last: str) -> str:
    """The usual MSP convention: first initial + last name, lower case."""
    return (first[0] + last).lower()
