<#
.SYNOPSIS
    Makes this VM its VNet's DNS forwarder (the bring-your-own DNS pattern of "DNS in Microsoft Azure").

.DESCRIPTION
    Installs the DNS Server role, forwards every query to Azure DNS (168.63.129.16), and adds a
    conditional forwarder for each other VNet's Azure-assigned namespace (<random>.<xx>.internal.cloudapp.net)
    pointing at the DNS server that can answer for it. Conditional forwarders this script created
    earlier and no longer wanted are removed; zones added by hand are left alone. Running it
    again changes only what differs.
    Every step is logged to C:\ProgramData\Labs\dns-forwarder.log; any failure stops the script
    with a message, and Azure then fails the deployment.

.PARAMETER Forwarders
    Comma-separated upstream DNS servers, e.g. "168.63.129.16".

.PARAMETER ConditionalForwardersBase64
    Base64 of a UTF-8 JSON list [{"zone": "abc.bx.internal.cloudapp.net", "servers": ["10.102.0.4"]}, ...]
    (base64, so no quoting rule of any shell can change it). "W10=" is the empty list.
#>
param(
    [Parameter(Mandatory = $true)] [string] $Forwarders,
    [Parameter(Mandatory = $true)] [string] $ConditionalForwardersBase64
)

$ErrorActionPreference = "Stop"
$logDir = Join-Path $env:ProgramData "Labs"
New-Item -ItemType Directory -Force -Path $logDir | Out-Null
$logFile = Join-Path $logDir "dns-forwarder.log"
# The conditional forwarders this script created, so a later run removes only its own.
$ownedFile = Join-Path $logDir "dns-forwarder-zones.txt"

function Write-Log([string] $Message) {
    $line = "{0:yyyy-MM-dd HH:mm:ss} {1}" -f (Get-Date), $Message
    Add-Content -Path $logFile -Value $line
    Write-Output $line
}

function Join-Sorted($Items) {
    return ((@($Items) | Where-Object { $_ } | Sort-Object) -join ",")
}

try {
    if (-not (Get-WindowsFeature -Name DNS).Installed) {
        Write-Log "Installing the DNS Server role"
        $result = Install-WindowsFeature -Name DNS -IncludeManagementTools
        if (-not $result.Success) { throw "Installing the DNS Server role failed (exit code $($result.ExitCode))." }
        if ($result.RestartNeeded -eq "Yes") { Write-Log "The DNS Server role asks for a restart; it works without one, restart at your convenience" }
    } else {
        Write-Log "DNS Server role already installed"
    }

    $wanted = @($Forwarders.Split(",") | ForEach-Object { $_.Trim() } | Where-Object { $_ })
    if ($wanted.Count -eq 0) { throw "Forwarders is empty: pass at least one upstream DNS server." }
    $current = @((Get-DnsServerForwarder).IPAddress | ForEach-Object { $_.IPAddressToString })
    if ((Join-Sorted $current) -ne (Join-Sorted $wanted)) {
        Set-DnsServerForwarder -IPAddress $wanted | Out-Null
        Write-Log "Forwarders set to $($wanted -join ', ')"
    } else {
        Write-Log "Forwarders already $($wanted -join ', ')"
    }

    $desired = @{}
    $json = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($ConditionalForwardersBase64))
    foreach ($entry in (ConvertFrom-Json $json)) {
        $servers = @($entry.servers | Where-Object { $_ })
        if (-not $entry.zone -or $servers.Count -eq 0) { throw "Conditional forwarder entry '$($entry | ConvertTo-Json -Compress)' needs a zone and at least one server." }
        $desired[([string]$entry.zone).TrimEnd(".")] = $servers
    }

    foreach ($zone in $desired.Keys) {
        $masters = $desired[$zone]
        $existing = Get-DnsServerZone -Name $zone -ErrorAction SilentlyContinue
        if (-not $existing) {
            Add-DnsServerConditionalForwarderZone -Name $zone -MasterServers $masters
            Write-Log "Added conditional forwarder $zone -> $($masters -join ', ')"
        } elseif ($existing.ZoneType -ne "Forwarder") {
            throw "Zone $zone already exists on this server as a $($existing.ZoneType) zone; remove it, then run again."
        } elseif ((Join-Sorted ($existing.MasterServers | ForEach-Object { $_.IPAddressToString })) -ne (Join-Sorted $masters)) {
            Set-DnsServerConditionalForwarderZone -Name $zone -MasterServers $masters | Out-Null
            Write-Log "Updated conditional forwarder $zone -> $($masters -join ', ')"
        } else {
            Write-Log "Conditional forwarder $zone already -> $($masters -join ', ')"
        }
    }

    # VNets removed from the lab leave forwarders behind: drop those this script created.
    $owned = @(if (Test-Path $ownedFile) { Get-Content $ownedFile | Where-Object { $_ } })
    foreach ($stale in ($owned | Where-Object { -not $desired.ContainsKey($_) })) {
        if (Get-DnsServerZone -Name $stale -ErrorAction SilentlyContinue) {
            Remove-DnsServerZone -Name $stale -Force
            Write-Log "Removed conditional forwarder $stale"
        }
    }
    Set-Content -Path $ownedFile -Value @($desired.Keys)

    Write-Log "DNS forwarder configured"
} catch {
    Write-Log "FAILED: $($_.Exception.Message)"
    throw
}
