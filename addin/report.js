// The report handler classic Outlook on Windows loads for integrated spam reporting (the
// manifest's Runtime Override). It comes with the next version of Baitwise; this file only holds
// its place so that the manifest's address answers. Reporting is not active yet.
