<#
.SYNOPSIS
    Verifies one server of the RMS lab from inside (labs verify): runs the checks named in
    -Checks and prints one line per check and target, VERIFY|check|target|PASS or FAIL|found.
    Changes nothing on the server but a line in its log.
#>
param(
    [Parameter(Mandatory = $true)] [string] $DomainName,
    # Comma-separated: dc-dns-ldap, forwarders, forest-trust, ca-published, member-joined, rms-urls, sql-rms-db, adfs-installed.
    [Parameter(Mandatory = $true)] [string] $Checks,
    [string] $DomainControllerIp = "",
    # The other forests' domains, separated by ';' (each has a conditional forwarder here).
    [string] $RemoteDomains = "",
    # The forests this one trusts, separated by ';' (the first forest trusts every other; the others trust the first).
    [string] $TrustDomains = "",
    [string] $CaName = "",
    [string] $ClusterUrl = "",
    [string] $SqlInstance = "SQLEXPRESS"
)
# @include common.ps1

function Write-LabVerdict([string] $Check, [string] $Target, [bool] $Pass, [string] $Found) {
    $verdict = if ($Pass) { "PASS" } else { "FAIL" }
    Write-Output ("VERIFY|{0}|{1}|{2}|{3}" -f $Check, $Target, $verdict, (($Found -replace '[|\r\n]+', ' ').Trim()))
}

# One check: its body returns @{ Pass; Found }; an exception is that check's failure, never the others'.
function Test-LabCheck([string] $Check, [string] $Target, [scriptblock] $Body) {
    try {
        $r = & $Body
        Write-LabVerdict $Check $Target ([bool]$r.Pass) ([string]$r.Found)
    } catch {
        Write-LabVerdict $Check $Target $false $_.Exception.Message
    }
}

$wanted = @($Checks -split ',')
$remotes = @($RemoteDomains -split ';' | Where-Object { $_ })
$trusted = @($TrustDomains -split ';' | Where-Object { $_ })

Invoke-LabStep "verify" {
    Write-LabLog "verifying: $Checks"
    if ($wanted -contains "dc-dns-ldap") {
        Test-LabCheck "dc-dns-ldap" $DomainName {
            # DNS: the domain's DC locator record, asked of the DC itself; LDAP: its RootDSE.
            $srv = @(Resolve-DnsName -Name "_ldap._tcp.dc._msdcs.$DomainName" -Type SRV -Server $DomainControllerIp -DnsOnly -QuickTimeout | Where-Object { $_.Type -eq "SRV" })
            $expected = "DC=" + (($DomainName -split '\.') -join ",DC=")
            $naming = [string]([ADSI]"LDAP://$DomainControllerIp/RootDSE").defaultNamingContext
            @{ Pass = ($srv.Count -gt 0 -and $naming -eq $expected); Found = "SRV $(@($srv | ForEach-Object { $_.NameTarget }) -join ','); LDAP $naming" }
        }
    }
    foreach ($remote in $remotes) {
        if ($wanted -contains "forwarders") {
            Test-LabCheck "forwarders" $remote {
                $zone = Get-DnsServerZone -Name $remote -ErrorAction SilentlyContinue
                $srv = @(Resolve-DnsName -Name "_ldap._tcp.dc._msdcs.$remote" -Type SRV -Server 127.0.0.1 -DnsOnly -QuickTimeout | Where-Object { $_.Type -eq "SRV" })
                @{ Pass = ($zone.ZoneType -eq "Forwarder" -and $srv.Count -gt 0); Found = "zone $($zone.ZoneType) to $(@($zone.MasterServers | ForEach-Object { $_.IPAddressToString }) -join ','); SRV $(@($srv | ForEach-Object { $_.NameTarget }) -join ',')" }
            }
        }
    }
    foreach ($remote in $trusted) {
        if ($wanted -contains "forest-trust") {
            Test-LabCheck "forest-trust" $remote {
                $trust = Get-ADTrust -Identity $remote
                # Verifies this DC's secure channel over the trust; the other DC verifies the way back.
                # Through cmd, so a native command's stderr is not a terminating error under "Stop".
                $verify = (& cmd.exe /c "nltest /sc_verify:$remote 2>&1" | Out-String)
                $ok = $LASTEXITCODE -eq 0
                $status = ($verify -split "`r?`n" | Where-Object { $_ -match "Trust Verification Status" } | Select-Object -First 1)
                @{ Pass = ($ok -and "$($trust.Direction)" -eq "BiDirectional" -and $trust.ForestTransitive); Found = "direction $($trust.Direction), forest $($trust.ForestTransitive); nltest: $(if ($status) { $status.Trim() } else { $verify.Trim() })" }
            }
        }
    }
    if ($wanted -contains "ca-published") {
        Test-LabCheck "ca-published" $CaName {
            $config = (Get-ADRootDSE).configurationNamingContext
            $published = @(Get-ADObject -SearchBase "CN=Enrollment Services,CN=Public Key Services,CN=Services,$config" -Filter "objectClass -eq 'pKIEnrollmentService'" | ForEach-Object { $_.Name })
            $null = (& cmd.exe /c "certutil -config `"$env:COMPUTERNAME.$DomainName\$CaName`" -ping 2>&1" | Out-String)
            $answers = $LASTEXITCODE -eq 0
            @{ Pass = (($published -contains $CaName) -and $answers); Found = "enrollment services in AD: $($published -join ',' ); certutil -ping: $(if ($answers) { 'answers' } else { "exit $LASTEXITCODE" })" }
        }
    }
    if ($wanted -contains "member-joined") {
        Test-LabCheck "member-joined" $env:COMPUTERNAME {
            $system = Get-CimInstance Win32_ComputerSystem
            $secure = if ($system.PartOfDomain) { Test-ComputerSecureChannel } else { $false }
            @{ Pass = ($system.PartOfDomain -and $system.Domain -eq $DomainName -and $secure); Found = "domain $($system.Domain), secure channel $(if ($secure) { 'holds' } else { 'broken' })" }
        }
    }
    if ($wanted -contains "rms-urls") {
        foreach ($path in @("/_wmcs/licensing/license.asmx", "/_wmcs/certification/certification.asmx")) {
            Test-LabCheck "rms-urls" "$ClusterUrl$path" {
                try {
                    $status = (Invoke-WebRequest -Uri "$ClusterUrl$path" -UseBasicParsing -UseDefaultCredentials -TimeoutSec 60).StatusCode
                } catch [System.Net.WebException] {
                    if (-not $_.Exception.Response) { throw }
                    $status = [int]$_.Exception.Response.StatusCode
                }
                @{ Pass = ($status -eq 200); Found = "HTTP $status" }
            }
        }
    }
    if ($wanted -contains "sql-rms-db") {
        Test-LabCheck "sql-rms-db" $SqlInstance {
            $service = Get-Service -Name "MSSQL`$$SqlInstance"
            # The name Install-AdRms gives the configuration database.
            $database = "DRMS_Config_" + ($DomainName -replace '[^A-Za-z0-9]', '_')
            $files = @(Get-ChildItem -Path "$env:ProgramFiles\Microsoft SQL Server\MSSQL*.$SqlInstance\MSSQL\DATA" -Filter "$database*.mdf" -ErrorAction SilentlyContinue)
            @{ Pass = ("$($service.Status)" -eq "Running" -and $files.Count -gt 0); Found = "service $($service.Status); $database $(if ($files.Count) { 'present' } else { 'missing' })" }
        }
    }
    if ($wanted -contains "adfs-installed") {
        Test-LabCheck "adfs-installed" $env:COMPUTERNAME {
            $feature = Get-WindowsFeature -Name ADFS-Federation
            @{ Pass = [bool]$feature.Installed; Found = "ADFS-Federation $($feature.InstallState)" }
        }
    }
}
