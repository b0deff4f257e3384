; Included by electron-builder's NSIS script (electron-builder.yml, nsis.include). The installer is
; per-machine (Program Files, run by an administrator); these macros make the kiosk start at every
; login and undo that on uninstall. docs/deploy.md says why a dedicated kiosk account is still needed.

!macro customInstall
  ; HKLM\...\Run: every account that logs in on this machine starts the kiosk, full screen.
  WriteRegStr HKLM "Software\Microsoft\Windows\CurrentVersion\Run" "isoloir" '"$INSTDIR\${APP_EXECUTABLE_FILENAME}"'
!macroend

!macro customUnInstall
  DeleteRegValue HKLM "Software\Microsoft\Windows\CurrentVersion\Run" "isoloir"
!macroend
