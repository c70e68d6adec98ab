<#
.SYNOPSIS
    Makes this VM its VNet's DNS forwarder (the bring-your-own DNS pattern of "DNS in Microsoft Azure").

.DESCRIPTION
    Installs the DNS Server role, forwards every query to Azure DNS (168.63.129.16), and adds a
    conditional forwarder for each other VNet's Azure-assigned namespace (<random>.<xx>.internal.cloudapp.net)
    pointing at the DNS server that can answer for it. Conditional forwarders for namespaces that
    are no longer wanted are removed. Running it again changes only what differs.
    Every step is logged to C:\ProgramData\Labs\dns-forwarder.log; any failure stops the script
    with a message, and Azure then fails the deployment.

.PARAMETER Forwarders
    Comma-separated upstream DNS servers, e.g. "168.63.129.16".

.PARAMETER ConditionalForwarders
    Semicolon-separated "<zone>=<ip>[,<ip>]" entries, e.g.
    "abc.bx.internal.cloudapp.net=10.102.0.4;def.bx.internal.cloudapp.net=10.103.0.4". May be empty.
#>
param(
    [Parameter(Mandatory = $true)] [string] $Forwarders,
    [string] $ConditionalForwarders = ""
)

$ErrorActionPreference = "Stop"
$logDir = Join-Path $env:ProgramData "Labs"
New-Item -ItemType Directory -Force -Path $logDir | Out-Null
$logFile = Join-Path $logDir "dns-forwarder.log"

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
        Install-WindowsFeature -Name DNS -IncludeManagementTools | Out-Null
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
    foreach ($entry in ($ConditionalForwarders.Split(";") | Where-Object { $_.Trim() })) {
        $parts = $entry.Split("=", 2)
        if ($parts.Count -ne 2 -or -not $parts[0].Trim() -or -not $parts[1].Trim()) {
            throw "Conditional forwarder '$entry' is not of the form <zone>=<ip>[,<ip>]."
        }
        $desired[$parts[0].Trim().TrimEnd(".")] = @($parts[1].Split(",") | ForEach-Object { $_.Trim() } | Where-Object { $_ })
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

    # VNets removed from the lab leave forwarders behind; drop the ones this script owns.
    foreach ($stale in (Get-DnsServerZone | Where-Object { $_.ZoneType -eq "Forwarder" -and $_.ZoneName -like "*.internal.cloudapp.net" -and -not $desired.ContainsKey($_.ZoneName) })) {
        Remove-DnsServerZone -Name $stale.ZoneName -Force
        Write-Log "Removed conditional forwarder $($stale.ZoneName)"
    }

    Write-Log "DNS forwarder configured"
} catch {
    Write-Log "FAILED: $($_.Exception.Message)"
    throw
}
