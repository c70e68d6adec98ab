<#
.SYNOPSIS
    Installs SQL Server Express unattended for the AD RMS configuration database: the engine
    only, TCP on, the domain's admins as sysadmins, the SQL Browser and firewall rules so the
    AD RMS server reaches the named instance.
#>
param(
    [string] $InstanceName = "SQLEXPRESS",
    # The domain whose Domain Admins become the instance's sysadmins.
    [Parameter(Mandatory = $true)] [string] $NetbiosName,
    # Microsoft's SQL Server 2022 Express download (a bootstrapper that fetches the media).
    [string] $DownloadUrl = "https://go.microsoft.com/fwlink/p/?linkid=2216019"
)
# @include common.ps1

Invoke-LabStep "install-sql" {
    $sysAdmins = "$NetbiosName\Domain Admins"
    if (Get-Service -Name "MSSQL`$$InstanceName" -ErrorAction SilentlyContinue) {
        Write-LabLog "SQL Server instance $InstanceName already installed"
    } else {
        $media = "C:\LabMedia\sql"
        New-Item -ItemType Directory -Force -Path $media | Out-Null
        $bootstrapper = Join-Path $media "SQLEXPR-bootstrapper.exe"
        if (-not (Test-Path $bootstrapper)) {
            [Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12
            Wait-LabCondition "downloaded SQL Server Express" { Invoke-WebRequest -Uri $DownloadUrl -OutFile $bootstrapper -UseBasicParsing; $true } 15
        }
        $package = Get-ChildItem -Path $media -Filter "SQLEXPR*_x64_*.exe" -ErrorAction SilentlyContinue | Select-Object -First 1
        if (-not $package) {
            $p = Start-Process -FilePath $bootstrapper -ArgumentList "/ACTION=Download", "/MEDIAPATH=$media", "/MEDIATYPE=Core", "/QUIET" -Wait -PassThru
            if ($p.ExitCode -ne 0) { throw "downloading the SQL Server Express media failed (exit $($p.ExitCode)); the VM needs outbound Internet (config rmsOutboundInternet)" }
            $package = Get-ChildItem -Path $media -Filter "SQLEXPR*_x64_*.exe" | Select-Object -First 1
        }
        $setupDir = Join-Path $media "setup"
        if (-not (Test-Path (Join-Path $setupDir "setup.exe"))) {
            $p = Start-Process -FilePath $package.FullName -ArgumentList "/Q", "/X:$setupDir" -Wait -PassThru
            if ($p.ExitCode -ne 0) { throw "extracting $($package.Name) failed (exit $($p.ExitCode))" }
        }
        Write-LabLog "installing SQL Server Express instance $InstanceName"
        $arguments = @("/Q", "/ACTION=Install", "/FEATURES=SQLEngine", "/INSTANCENAME=$InstanceName", "/SQLSYSADMINACCOUNTS=`"$sysAdmins`"",
            "/TCPENABLED=1", "/UPDATEENABLED=False", "/IACCEPTSQLSERVERLICENSETERMS", "/SUPPRESSPRIVACYSTATEMENTNOTICE")
        $p = Start-Process -FilePath (Join-Path $setupDir "setup.exe") -ArgumentList $arguments -Wait -PassThru
        # 3010: installed, a restart is recommended (the instance runs without it).
        if ($p.ExitCode -ne 0 -and $p.ExitCode -ne 3010) { throw "SQL Server setup failed (exit $($p.ExitCode)); see C:\Program Files\Microsoft SQL Server\*\Setup Bootstrap\Log\Summary.txt" }
    }
    Set-Service -Name SQLBrowser -StartupType Automatic
    Start-Service -Name SQLBrowser
    if (-not (Get-NetFirewallRule -DisplayName "Lab SQL Server" -ErrorAction SilentlyContinue)) {
        $engine = (Get-CimInstance Win32_Service -Filter "Name='MSSQL`$$InstanceName'").PathName.Split('"')[1]
        New-NetFirewallRule -DisplayName "Lab SQL Server" -Direction Inbound -Program $engine -Action Allow -Profile Domain | Out-Null
        New-NetFirewallRule -DisplayName "Lab SQL Browser" -Direction Inbound -Protocol UDP -LocalPort 1434 -Action Allow -Profile Domain | Out-Null
        Write-LabLog "firewall opened to the domain for $InstanceName and the SQL Browser"
    }
}
