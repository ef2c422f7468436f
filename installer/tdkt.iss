; Inno Setup script: installs the one-folder build (dist\TDKT) for the current user or all users.
;   iscc /DAppVersion=0.1.0 installer\tdkt.iss      -> dist\installer\TDKT-Setup-0.1.0.exe
; The program goes to Program Files (read-only for users); user data lives in
; %LOCALAPPDATA%\TDKT (platformdirs) and is never removed by the uninstaller.
#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#define AppName "Quản lý Thi đua - Khen thưởng"
#define AppExe "TDKT.exe"

[Setup]
AppId={{6A0F4C1E-6C3B-4F55-9B0E-2D7A5C1B7E21}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=Văn phòng - Thường trực Hội đồng Thi đua - Khen thưởng
DefaultDirName={autopf}\TDKT
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequiredOverridesAllowed=dialog
PrivilegesRequired=lowest
OutputDir=..\dist\installer
OutputBaseFilename=TDKT-Setup-{#AppVersion}
SetupIconFile=..\resources\icons\app.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0

[Languages]
; Inno Setup ships no Vietnamese translation; the app itself is in Vietnamese.
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "Tạo biểu tượng trên màn hình (Desktop)"; GroupDescription: "Biểu tượng:"

[Files]
Source: "..\dist\TDKT\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{group}\Mở dữ liệu mẫu"; Filename: "{app}\{#AppExe}"; Parameters: "--demo"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "Mở {#AppName}"; Flags: nowait postinstall skipifsilent
