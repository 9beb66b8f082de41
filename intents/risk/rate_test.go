package risk

import (
	"encoding/json"
	"strings"
	"testing"

	"mvdan.cc/sh/v3/syntax"
)

// rateCases pairs command lines with the level they must get and a fact a
// reason must state. Read-only look-alikes of dangerous lines are as
// important as the dangerous lines: a guard that cries wolf gets disabled.
var rateCases = []struct {
	line  string
	level Level
	fact  string
}{
	// rm and its spellings.
	{`rm -rf /`, SystemDestroying, "/ (the whole filesystem)"},
	{`rm -rf /*`, SystemDestroying, "everything in the whole filesystem"},
	{`rm -rf ~`, SystemDestroying, "~ (your home)"},
	{`rm -rf ~/`, SystemDestroying, "your home"},
	{`rm -rf ~/*`, SystemDestroying, "everything in your home"},
	{`rm -rf $HOME`, SystemDestroying, "your home"},
	{`rm -rf "$HOME"`, SystemDestroying, "your home"},
	{`rm -rf ${HOME}/`, SystemDestroying, "your home"},
	{`rm -rf .`, SystemDestroying, "the current directory"},
	{`rm -rf ./`, SystemDestroying, "the current directory"},
	{`rm -rf ..`, SystemDestroying, "the parent directory"},
	{`rm -rf ../..`, SystemDestroying, "the parent directory"},
	{`rm -rf *`, SystemDestroying, "everything in the current directory"},
	{`rm -rf ./*`, SystemDestroying, "everything in the current directory"},
	{`rm -rf .*`, SystemDestroying, "current directory"},
	{`rm -rf /etc`, SystemDestroying, "system configuration"},
	{`rm -rf /usr`, SystemDestroying, "installed programs"},
	{`rm -rf /bin`, SystemDestroying, "system programs"},
	{`rm -rf /boot`, SystemDestroying, "kernel"},
	{`rm -rf /var`, SystemDestroying, "/var"},
	{`rm -rf /lib`, SystemDestroying, "system libraries"},
	{`rm -rf /home`, SystemDestroying, "every user's home"},
	{`rm -rf /home/bob`, SystemDestroying, "bob's home"},
	{`rm -rf /root`, SystemDestroying, "root's home"},
	{`rm -rf /etc/`, SystemDestroying, "/etc"},
	{`rm -rf /etc/*`, SystemDestroying, "everything in system configuration"},
	{`rm -rf /etc/..`, SystemDestroying, "whole filesystem"},
	{`rm -rf //`, SystemDestroying, "whole filesystem"},
	{`rm -r -f /`, SystemDestroying, "without asking (-f)"},
	{`rm -fr /`, SystemDestroying, "recursively"},
	{`rm -Rf /`, SystemDestroying, "recursively"},
	{`rm --recursive --force /`, SystemDestroying, "recursively"},
	{`rm --rec --fo /`, SystemDestroying, "recursively"},
	{`rm -r /`, SystemDestroying, "rm -r deletes /"},
	{`rm -rf -- /`, SystemDestroying, "whole filesystem"},
	{`rm / -rf`, SystemDestroying, "whole filesystem"},
	{`rm -rf --no-preserve-root /`, SystemDestroying, "--no-preserve-root"},
	{`/bin/rm -rf /`, SystemDestroying, "whole filesystem"},
	{`/usr/bin/rm -rf ~`, SystemDestroying, "your home"},
	{`\rm -rf ~`, SystemDestroying, "your home"},
	{`'rm' -rf ~`, SystemDestroying, "your home"},
	{`"r"m -rf ~`, SystemDestroying, "your home"},
	{`$'\x72\x6d' -rf ~`, SystemDestroying, "your home"},
	{`rm -rf "/"`, SystemDestroying, "whole filesystem"},
	{`rm -rf '/'*`, SystemDestroying, "everything in the whole filesystem"},
	{`rm -rf /e?c`, SystemDestroying, "matches /etc"},
	{`rm -rf "$DIR/"*`, SystemDestroying, "if $DIR is empty or unset, this is /*"},
	{`rm -rf $DIR/`, SystemDestroying, "if $DIR is empty"},
	{`rm -rf "${BUILD}/"`, SystemDestroying, "if $BUILD is empty"},
	{`rm -rf ${DIR:-/}`, SystemDestroying, "whole filesystem"},
	{`rm -rf "${DIR:?}/"*`, Deletes, "rm -r deletes"},
	{`rm -rf "$DIR"`, Deletes, "rm -r deletes \"$DIR\""},
	{`rm -ri ~`, Deletes, "asking about each file"},
	{`rm -rif ~`, SystemDestroying, "without asking"},
	{`rm -rfi ~`, Deletes, "asking"},
	{`rm ~`, Deletes, "your home"},
	{`rm notes.txt`, Deletes, "rm deletes notes.txt"},
	{`rm -f a.txt b.txt`, Deletes, "a.txt, b.txt"},
	{`rm -rf build dist`, Deletes, "build, dist"},
	{`rm -rf ~/.cache/thumbnails`, Deletes, "~/.cache/thumbnails"},
	{`rm -rf /tmp/build`, Deletes, "/tmp/build"},
	{`rm -rf *.o`, Deletes, "*.o"},
	{`rm /etc/passwd`, Privileged, "/etc/passwd (a system file)"},
	{`rm -rf /etc/nginx`, Privileged, "a system file"},
	{`unlink ~/x`, Deletes, "deletes ~/x"},
	{`rmdir empty`, Writes, "removes the empty directory empty"},
	{`shred -u secret.txt`, Deletes, "can never be recovered"},
	{`gio trash --empty`, Deletes, "for good"},
	{`gio trash old.txt`, Writes, "to the trash"},
	{`trash-empty`, Deletes, "for good"},
	{`trash-put old.txt`, Writes, "to the trash"},
	{`gio list trash://`, ReadOnly, ""},
	{`shred /dev/sda`, SystemDestroying, "/dev/sda"},
	{`truncate -s 0 app.log`, Deletes, "truncates app.log"},
	// Prefixes.
	{`sudo rm -rf /`, SystemDestroying, "whole filesystem"},
	{`sudo rm -rf /tmp/x`, Privileged, "sudo runs rm as root"},
	{`sudo -u bob rm -rf /tmp/x`, Privileged, "as the user bob"},
	{`doas rm -rf ~`, SystemDestroying, "your home"},
	{`pkexec rm -rf /usr`, SystemDestroying, "installed programs"},
	{`su -c 'rm -rf /'`, SystemDestroying, "whole filesystem"},
	{`su - root -c "rm -rf /etc"`, SystemDestroying, "system configuration"},
	{`su`, Privileged, "su runs a command as root"},
	{`sudo -i`, Privileged, "as root"},
	{`sudo ls /root`, Privileged, "sudo runs ls as root"},
	{`sudo -l`, Privileged, "as root"},
	{`env rm -rf ~`, SystemDestroying, "your home"},
	{`env -i PATH=/bin rm -rf ~`, SystemDestroying, "your home"},
	{`env -S 'rm -rf ~'`, SystemDestroying, "your home"},
	{`FOO=1 rm -rf ~`, SystemDestroying, "your home"},
	{`nice rm -rf ~`, SystemDestroying, "your home"},
	{`nice -n 10 rm -rf ~`, SystemDestroying, "your home"},
	{`nice -10 rm -rf ~`, SystemDestroying, "your home"},
	{`nohup rm -rf ~ &`, SystemDestroying, "your home"},
	{`timeout 5 rm -rf ~`, SystemDestroying, "your home"},
	{`timeout -s KILL 5s rm -rf ~`, SystemDestroying, "your home"},
	{`time rm -rf ~`, SystemDestroying, "your home"},
	{`/usr/bin/time -v rm -rf ~`, SystemDestroying, "your home"},
	{`command rm -rf ~`, SystemDestroying, "your home"},
	{`builtin cd /`, ReadOnly, "only reads"},
	{`exec rm -rf ~`, SystemDestroying, "your home"},
	{`stdbuf -o0 rm -rf ~`, SystemDestroying, "your home"},
	{`ionice -c3 rm -rf ~`, SystemDestroying, "your home"},
	{`busybox rm -rf ~`, SystemDestroying, "your home"},
	{`sudo env nice timeout 9 /bin/rm -fr /`, SystemDestroying, "whole filesystem"},
	{`watch rm -rf /tmp/x`, Deletes, "/tmp/x"},
	{`chroot /mnt rm -rf /`, SystemDestroying, "whole filesystem"},
	{`./rm -rf /`, Writes, "not the system rm"},
	{`~/bin/cleanup`, Writes, "~/bin/cleanup"},
	{`$CMD -rf /`, Writes, "only known when it runs"},
	{`$(echo rm) -rf /`, Writes, "only known when it runs"},
	// Compound commands.
	{`cd /tmp && rm -rf ~`, SystemDestroying, "your home"},
	{`false || rm -rf ~`, SystemDestroying, "your home"},
	{`ls; rm -rf ~`, SystemDestroying, "your home"},
	{`(rm -rf ~)`, SystemDestroying, "your home"},
	{`{ rm -rf ~; }`, SystemDestroying, "your home"},
	{`if true; then rm -rf ~; fi`, SystemDestroying, "your home"},
	{`if false; then :; else rm -rf ~; fi`, SystemDestroying, "your home"},
	{`while true; do rm -rf ~; done`, SystemDestroying, "your home"},
	{`for d in a b; do rm -rf ~; done`, SystemDestroying, "your home"},
	{`for f in *; do rm -rf "$f"; done`, Deletes, "rm -r deletes \"$f\""},
	{`case x in x) rm -rf ~;; esac`, SystemDestroying, "your home"},
	{`f() { rm -rf ~; }; f`, SystemDestroying, "your home"},
	{`function clean { rm -rf /; }`, SystemDestroying, "whole filesystem"},
	{`echo $(rm -rf ~)`, SystemDestroying, "your home"},
	{"echo `rm -rf ~`", SystemDestroying, "your home"},
	{`X=$(rm -rf ~)`, SystemDestroying, "your home"},
	{`export X=$(rm -rf ~)`, SystemDestroying, "your home"},
	{`cat <(rm -rf ~)`, SystemDestroying, "your home"},
	{`[[ -n $(rm -rf ~) ]]`, SystemDestroying, "your home"},
	{`echo ok | rm -rf ~`, SystemDestroying, "your home"},
	{`time (rm -rf ~)`, SystemDestroying, "your home"},
	{`rm -rf ~ & echo started`, SystemDestroying, "your home"},
	// Code in strings.
	{`bash -c 'rm -rf ~'`, SystemDestroying, "your home"},
	{`sh -c "rm -rf /"`, SystemDestroying, "whole filesystem"},
	{`zsh -c 'rm -rf ~'`, SystemDestroying, "your home"},
	{`bash -xc 'rm -rf ~'`, SystemDestroying, "your home"},
	{`sudo sh -c 'rm -rf /usr'`, SystemDestroying, "installed programs"},
	{`bash -c "bash -c 'rm -rf ~'"`, SystemDestroying, "your home"},
	{`eval 'rm -rf ~'`, SystemDestroying, "your home"},
	{`eval rm -rf '~'`, SystemDestroying, "your home"},
	{`echo 'rm -rf ~' | sh`, SystemDestroying, "your home"},
	{`printf 'rm -rf ~\n' | bash`, SystemDestroying, "your home"},
	{"bash <<EOF\nrm -rf ~\nEOF", SystemDestroying, "your home"},
	{`bash <<< 'rm -rf ~'`, SystemDestroying, "your home"},
	{`bash -c 'ls -la'`, ReadOnly, "only reads"},
	{`sh -c 'echo hi'`, ReadOnly, "only reads"},
	{`bash -c 'rm -rf ~; ('`, SystemDestroying, "your home"},
	{`bash -c 'ls ('`, Writes, "does not parse"},
	{`bash deploy.sh`, Writes, "deploy.sh"},
	{`sh < install.sh`, Writes, "install.sh"},
	{`cat install.sh | sh`, Writes, "install.sh"},
	{`python3 -c 'print(1)'`, Writes, "Python code"},
	{`python3 script.py`, Writes, "script.py"},
	{`perl -e 'unlink glob "*"'`, Writes, "Perl code"},
	{`ssh web1 'rm -rf /'`, SystemDestroying, "on web1"},
	{`ssh web1 uptime`, Writes, "runs a command on web1"},
	{`ssh web1`, Writes, "opens a shell on web1"},
	{`bash -c "` + strings.Repeat(`bash -c \"`, 0) + `ls"`, ReadOnly, "only reads"},
	// Remote code.
	{`curl -fsSL https://get.example.com | sh`, RemoteCode, "https://get.example.com"},
	{`curl https://x.io/i.sh | bash`, RemoteCode, "pipes it into bash"},
	{`curl -s https://x.io/i.sh | sudo bash`, RemoteCode, "sudo bash"},
	{`curl -s https://x.io/i.sh | sudo -E bash -s -- --yes`, RemoteCode, "pipes it into"},
	{`wget -O- https://x.io/i.sh | bash`, RemoteCode, "https://x.io/i.sh"},
	{`wget -qO- https://x.io/i.sh | sh`, RemoteCode, "https://x.io/i.sh"},
	{`wget -O - https://x.io/i.sh | sh`, RemoteCode, "https://x.io/i.sh"},
	{`curl -s https://x.io/i.py | python3`, RemoteCode, "python3"},
	{`curl -s https://x.io/i.py | python3 -`, RemoteCode, "python3"},
	{`curl -sL https://x.io/i.sh | tee log | sh`, RemoteCode, "https://x.io/i.sh"},
	{`curl -s https://x.io/a.gz | gunzip | sh`, RemoteCode, "https://x.io/a.gz"},
	{`bash <(curl -s https://x.io/i.sh)`, RemoteCode, "https://x.io/i.sh"},
	{`source <(curl -s https://x.io/env)`, RemoteCode, "https://x.io/env"},
	{`. <(wget -qO- https://x.io/env)`, RemoteCode, "https://x.io/env"},
	{`sh -c "$(curl -fsSL https://x.io/i.sh)"`, RemoteCode, "https://x.io/i.sh"},
	{`bash -c "$(wget -qO- https://x.io/i.sh)"`, RemoteCode, "https://x.io/i.sh"},
	{`python -c "$(curl -s https://x.io/p.py)"`, RemoteCode, "https://x.io/p.py"},
	{`eval "$(curl -s https://x.io/e)"`, RemoteCode, "https://x.io/e"},
	{`bash <<< "$(curl -s https://x.io/i.sh)"`, RemoteCode, "https://x.io/i.sh"},
	{`curl -o i.sh https://x.io/i.sh && bash i.sh`, RemoteCode, "right after downloading it"},
	{`wget https://x.io/setup.sh; sh setup.sh`, RemoteCode, "setup.sh"},
	{`curl -fsSLo i.sh https://x.io/i.sh && chmod +x i.sh && ./i.sh`, Writes, "./i.sh"},
	{`nc -l -p 4444 -e /bin/sh`, RemoteCode, "gives whoever connects a shell"},
	{`curl https://example.com`, ReadOnly, "only reads"},
	{`curl -s https://api.x.io/v1 | jq .`, ReadOnly, "only reads"},
	{`curl -o page.html https://example.com`, Writes, "page.html"},
	{`curl -X DELETE https://api.x.io/v1/items/3`, Writes, "DELETE request"},
	{`wget https://x.io/file.iso`, Writes, "file.iso"},
	// find and xargs.
	{`find / -delete`, SystemDestroying, "whole filesystem"},
	{`find ~ -delete`, SystemDestroying, "your home"},
	{`find . -delete`, SystemDestroying, "current directory"},
	{`find ~ -type d -delete`, SystemDestroying, "your home"},
	{`find / -exec rm -rf {} \;`, SystemDestroying, "whole filesystem"},
	{`find / -exec rm -rf {} +`, SystemDestroying, "whole filesystem"},
	{`find ~ -mindepth 1 -execdir rm -rf {} \;`, SystemDestroying, "your home"},
	{`find -L / -delete`, SystemDestroying, "whole filesystem"},
	{`find . -name '*.tmp' -delete`, Deletes, "files find matches under ."},
	{`find /tmp -mtime +7 -delete`, Deletes, "under /tmp"},
	{`find /etc -name '*.bak' -delete`, Privileged, "a system file"},
	{`find . -name '*.o' -exec rm {} \;`, Deletes, "rm deletes the files find matches"},
	{`find . -type f -exec chmod 644 {} +`, Writes, "changes the permissions"},
	{`find / -name x -ok rm {} \;`, Privileged, "files anywhere on the system"},
	{`find . -name '*.go'`, ReadOnly, "only reads"},
	{`find / -name passwd -print`, ReadOnly, "only reads"},
	{`find . -name '*.log' | xargs rm -f`, Deletes, "what xargs reads"},
	{`xargs rm -rf < list.txt`, Deletes, "what xargs reads"},
	{`xargs -0 -I{} rm -rf {}`, Deletes, "rm -r deletes"},
	{`ls | xargs -n1 echo`, ReadOnly, "only reads"},
	{`xargs`, ReadOnly, "only reads"},
	{`find . -name '*.sh' | xargs sudo chmod +x`, Privileged, "sudo runs chmod as root"},
	// Redirections.
	{`echo hi > /etc/hosts`, Privileged, "/etc/hosts (a system file)"},
	{`echo 1 >> /etc/sysctl.conf`, Privileged, "appends to /etc/sysctl.conf"},
	{`cat > /dev/sda`, SystemDestroying, "/dev/sda"},
	{`echo x > /dev/nvme0n1`, SystemDestroying, "/dev/nvme0n1"},
	{`cat image.iso > /dev/mmcblk0`, SystemDestroying, "/dev/mmcblk0"},
	{`echo hi > notes.txt`, Writes, "empties and rewrites notes.txt"},
	{`echo hi >> notes.txt`, Writes, "appends to notes.txt"},
	{`ls &> out.log`, Writes, "out.log"},
	{`ls >& out.log`, Writes, "out.log"},
	{`cat > /dev/null`, ReadOnly, "only reads"},
	{`ls 2>/dev/null`, ReadOnly, "only reads"},
	{`ls > /dev/stdout 2>&1`, ReadOnly, "only reads"},
	{`make 2>&1 | tee build.log`, Writes, "build.log"},
	{`echo nameserver 1.1.1.1 | sudo tee /etc/resolv.conf`, Privileged, "/etc/resolv.conf"},
	{`echo x | sudo tee -a /etc/hosts`, Privileged, "appends to /etc/hosts"},
	{`exec > log.txt`, Writes, "log.txt"},
	{`> ~/.bash_history`, Writes, "~/.bash_history"},
	// Devices and filesystems.
	{`dd if=/dev/zero of=/dev/sda bs=1M`, SystemDestroying, "/dev/sda"},
	{`sudo dd if=ubuntu.iso of=/dev/sdb status=progress`, SystemDestroying, "/dev/sdb"},
	{`dd if=/dev/urandom of=/dev/nvme0n1`, SystemDestroying, "nvme0n1"},
	{`dd if=/dev/sda of=disk.img`, Writes, "disk.img"},
	{`dd if=/dev/sda | gzip > disk.img.gz`, Writes, "disk.img.gz"},
	{`mkfs.ext4 /dev/sdb1`, SystemDestroying, "erasing everything on it"},
	{`mkfs -t vfat /dev/sdc`, SystemDestroying, "/dev/sdc"},
	{`mkswap /dev/sda2`, SystemDestroying, "/dev/sda2"},
	{`mkfs.ext4 disk.img`, Deletes, "a file, not a device"},
	{`wipefs -a /dev/sda`, SystemDestroying, "signatures"},
	{`wipefs /dev/sda`, ReadOnly, "only reads"},
	{`fdisk /dev/sda`, SystemDestroying, "repartitions"},
	{`fdisk -l`, ReadOnly, "only reads"},
	{`parted /dev/sda rm 1`, SystemDestroying, "/dev/sda"},
	{`blkdiscard /dev/nvme0n1`, SystemDestroying, "discards every block"},
	{`mv ~ /dev/null`, SystemDestroying, "moves ~ (your home) away"},
	{`mv /etc /tmp/etc`, SystemDestroying, "system configuration"},
	{`mv * /tmp`, SystemDestroying, "everything in the current directory"},
	{`mv a.txt b.txt`, Writes, "moves files onto b.txt"},
	{`mv -t /tmp a b`, Writes, "/tmp"},
	{`mv notes.txt /etc/`, Privileged, "/etc"},
	{`cp a.txt /etc/hosts`, Privileged, "/etc/hosts"},
	{`cp -r src /tmp/dst`, Writes, "/tmp/dst"},
	{`cp disk.img /dev/sdb`, SystemDestroying, "/dev/sdb"},
	// Permissions.
	{`chmod -R 777 /`, SystemDestroying, "breaks the system"},
	{`chmod -R 000 /etc`, SystemDestroying, "system configuration"},
	{`chown -R nobody /usr`, SystemDestroying, "installed programs"},
	{`sudo chown -R $USER /`, SystemDestroying, "whole filesystem"},
	{`chmod --recursive 755 /bin`, SystemDestroying, "system programs"},
	{`chmod 777 /etc/shadow`, Privileged, "/etc/shadow"},
	{`chmod +x script.sh`, Writes, "permissions of script.sh"},
	{`chmod -R 755 ./build`, Writes, "./build"},
	{`chown me:me notes.txt`, Writes, "owner of notes.txt"},
	{`chmod 644 /etc/..`, Privileged, "whole filesystem"},
	// Fork bombs.
	{`:(){ :|:& };:`, SystemDestroying, "fork bomb"},
	{`bomb() { bomb | bomb & }; bomb`, SystemDestroying, "fork bomb"},
	{`f(){ f & f; }; f`, SystemDestroying, "fork bomb"},
	{`f() { echo hi; }; f`, ReadOnly, "only reads"},
	{`countdown() { [ $1 -gt 0 ] && countdown $(( $1 - 1 )); }; countdown 3`, ReadOnly, "only reads"},
	// Processes and the system.
	{`kill -9 1`, SystemDestroying, "process 1"},
	{`kill -KILL 1`, SystemDestroying, "process 1"},
	{`kill -s KILL 1`, SystemDestroying, "process 1"},
	{`sudo kill -9 -1`, SystemDestroying, "every process"},
	{`kill -- -1`, SystemDestroying, "every process"},
	{`kill 1234`, Writes, "process 1234"},
	{`kill -l`, ReadOnly, "only reads"},
	{`pkill firefox`, Writes, "firefox"},
	{`killall -9 chrome`, Writes, "chrome"},
	{`shutdown -h now`, Privileged, "shuts the computer down"},
	{`reboot`, Privileged, "restarts the computer"},
	{`halt`, Privileged, "shuts the computer down"},
	{`poweroff`, Privileged, "shuts the computer down"},
	{`init 0`, Privileged, "runlevel"},
	{`sudo systemctl reboot`, Privileged, "restarts the computer"},
	{`systemctl poweroff`, Privileged, "shuts the computer down"},
	{`systemctl restart nginx`, Privileged, "nginx"},
	{`systemctl status nginx`, ReadOnly, "only reads"},
	{`iptables -F`, Privileged, "flushes every firewall rule"},
	{`sudo iptables --flush`, Privileged, "firewall"},
	{`iptables -L -n`, ReadOnly, "only reads"},
	{`crontab -r`, Deletes, "whole crontab"},
	{`crontab -l`, ReadOnly, "only reads"},
	{`crontab -e`, Writes, "editing"},
	{`history -c`, Deletes, "clears the shell history"},
	{`userdel -r bob`, Privileged, "home directory"},
	{`journalctl --vacuum-time=1d`, Privileged, "system logs"},
	{`journalctl -u nginx -f`, ReadOnly, "only reads"},
	{`mount /dev/sdb1 /mnt`, Privileged, "mounts"},
	{`mount`, ReadOnly, "only reads"},
	{`sysctl -w vm.swappiness=10`, Privileged, "kernel parameters"},
	{`ip addr add 10.0.0.2/24 dev eth0`, Privileged, "network configuration"},
	{`ip addr show`, ReadOnly, "only reads"},
	// Packages.
	{`apt remove firefox`, Privileged, "removes the packages firefox"},
	{`sudo apt-get purge -y nginx`, Privileged, "nginx"},
	{`apt autoremove`, Privileged, "removes the packages"},
	{`sudo apt install vim`, Privileged, "installs"},
	{`apt search vim`, ReadOnly, "only reads"},
	{`dnf remove httpd`, Privileged, "httpd"},
	{`yum erase httpd`, Privileged, "httpd"},
	{`pacman -R firefox`, Privileged, "firefox"},
	{`pacman -Rns firefox`, Privileged, "firefox"},
	{`pacman -Ss firefox`, ReadOnly, "only reads"},
	{`pacman -Syu`, Privileged, "installs or upgrades"},
	{`snap remove spotify`, Privileged, "spotify"},
	{`pip install requests`, Writes, "requests"},
	{`pip3.12 uninstall requests`, Writes, "requests"},
	{`brew uninstall wget`, Writes, "wget"},
	{`npm ci`, Writes, "installs"},
	// git.
	{`git reset --hard`, Deletes, "discards every uncommitted change"},
	{`git reset --hard HEAD~1`, Deletes, "--hard"},
	{`git -C ~/src/app reset --hard`, Deletes, "--hard"},
	{`git reset HEAD~1`, Writes, "keep"},
	{`git clean -fdx`, Deletes, "untracked files"},
	{`git clean -fdx`, Deletes, "ignored files"},
	{`git clean -n`, ReadOnly, "only reads"},
	{`git checkout -- .`, Deletes, "discards uncommitted changes"},
	{`git checkout .`, Deletes, "discards uncommitted changes"},
	{`git checkout main`, Writes, "main"},
	{`git restore src/main.go`, Deletes, "src/main.go"},
	{`git restore --staged src/main.go`, Writes, "unstages"},
	{`git push --force origin main`, Deletes, "overwrites the remote branch's history"},
	{`git push -f`, Deletes, "--force"},
	{`git push origin main`, Writes, "uploads commits"},
	{`git branch -D feature`, Deletes, "feature"},
	{`git branch`, ReadOnly, "only reads"},
	{`git stash drop`, Deletes, "deletes a stash"},
	{`git stash clear`, Deletes, "every stash"},
	{`git stash`, Writes, "aside"},
	{`git commit -m "rm -rf /"`, Writes, "git commit"},
	{`git log --oneline -n 5`, ReadOnly, "only reads"},
	{`git status`, ReadOnly, "only reads"},
	{`git diff HEAD~1`, ReadOnly, "only reads"},
	// docker and friends.
	{`docker system prune -a --volumes`, Deletes, "volumes with their data"},
	{`docker rm -f web`, Deletes, "web"},
	{`docker volume rm pgdata`, Deletes, "pgdata"},
	{`docker run --privileged -it ubuntu`, Privileged, "full access to the host"},
	{`docker run -v /:/host alpine`, Privileged, "whole filesystem mounted"},
	{`docker run --rm -it ubuntu bash`, Writes, "starts a container"},
	{`docker ps -a`, ReadOnly, "only reads"},
	{`podman rmi myimage`, Deletes, "myimage"},
	{`kubectl delete pod web-1`, Deletes, "web-1"},
	{`kubectl get pods`, ReadOnly, "only reads"},
	// Archives and editing.
	{`tar -xzvf a.tgz -C /tmp`, Writes, "/tmp"},
	{`tar xzf a.tgz -C /`, Privileged, "whole filesystem"},
	{`sudo tar -xf backup.tar -C /etc`, Privileged, "/etc"},
	{`tar -czf backup.tgz ~/docs`, Writes, "backup.tgz"},
	{`tar -tzf a.tgz`, ReadOnly, "only reads"},
	{`tar --remove-files -czf x.tgz dir`, Deletes, "--remove-files"},
	{`unzip -o a.zip`, Deletes, "overwriting existing files"},
	{`unzip -l a.zip`, ReadOnly, "only reads"},
	{`sed -i 's/a/b/' notes.txt`, Writes, "edits notes.txt in place"},
	{`sed -i -e 's/a/b/' /etc/fstab`, Privileged, "/etc/fstab"},
	{`sed 's/a/b/' notes.txt`, ReadOnly, "only reads"},
	{`rsync -a --delete src/ ~/`, SystemDestroying, "your home"},
	{`rsync -a --delete src/ backup/`, Deletes, "deleting what is not in it"},
	{`rsync -av src/ dst/`, Writes, "dst/"},
	{`gzip big.log`, Writes, "big.log"},
	{`gzip -dc a.gz`, ReadOnly, "only reads"},
	{`awk 'BEGIN { system("rm -rf ~") }'`, Writes, "runs shell commands"},
	{`awk '{print $1}' access.log`, ReadOnly, "only reads"},
	{`mkdir -p a/b/c`, Writes, "creates the directory a/b/c"},
	{`touch new.txt`, Writes, "new.txt"},
	{`ln -sf /bin/bash /usr/bin/sh`, Privileged, "/usr/bin/sh"},
	{`vim notes.txt`, Writes, "notes.txt"},
	{`make install`, Writes, "Makefile"},
	{`go run .`, Writes, "compiles and runs"},
	{`go version`, ReadOnly, "only reads"},
	// Harmless look-alikes.
	{`echo rm -rf /`, ReadOnly, "only reads"},
	{`echo "sudo rm -rf ~"`, ReadOnly, "only reads"},
	{`grep -r "rm -rf" .`, ReadOnly, "only reads"},
	{`grep -rn 'mkfs' /etc`, ReadOnly, "only reads"},
	{`man rm`, ReadOnly, "only reads"},
	{`man mkfs`, ReadOnly, "only reads"},
	{`ls -rf`, ReadOnly, "only reads"},
	{`ls -la /`, ReadOnly, "only reads"},
	{`ls ~`, ReadOnly, "only reads"},
	{`which rm`, ReadOnly, "only reads"},
	{`type rm`, ReadOnly, "only reads"},
	{`command -v rm`, ReadOnly, "only reads"},
	{`printf '%s' 'sudo'`, ReadOnly, "only reads"},
	{`cat rm.txt`, ReadOnly, "only reads"},
	{`du -sh ~`, ReadOnly, "only reads"},
	{`df -h /`, ReadOnly, "only reads"},
	{`rm --help`, ReadOnly, "only reads"},
	{`mkfs --version`, ReadOnly, "only reads"},
	{`echo ':(){ :|:& };:'`, ReadOnly, "only reads"},
	{`grep -c 'curl .* | sh' notes.md`, ReadOnly, "only reads"},
	{`cat ~/.bashrc | grep alias`, ReadOnly, "only reads"},
	{`ps aux | grep rm`, ReadOnly, "only reads"},
	{`history | grep 'rm -rf'`, ReadOnly, "only reads"},
	{`find . -name rm`, ReadOnly, "only reads"},
	{`cd / && ls`, ReadOnly, "only reads"},
	{`export PATH=$HOME/bin:$PATH`, ReadOnly, "only reads"},
	{`X=1`, ReadOnly, "runs no command"},
	{`# rm -rf /`, ReadOnly, "runs no command"},
	{``, ReadOnly, "runs no command"},
	{`tar -tvf backup.tar | less`, ReadOnly, "only reads"},
	{`sort -u names.txt | uniq -c | head -5`, ReadOnly, "only reads"},
	{`echo "$(date)"`, ReadOnly, "only reads"},
	{`test -d ~/x && echo yes`, ReadOnly, "only reads"},
	{`diff a.txt b.txt`, ReadOnly, "only reads"},
	{`ping -c 3 example.com`, ReadOnly, "only reads"},
	{`ss -tlnp`, ReadOnly, "only reads"},
	{`echo rm | cat`, ReadOnly, "only reads"},
	{`sleep 1; echo done`, ReadOnly, "only reads"},
	{`frobnicate --all`, Writes, "does not know what frobnicate does"},
}

func TestRate(t *testing.T) {
	if len(rateCases) < 200 {
		t.Fatalf("only %d cases; the issue asks for 200+", len(rateCases))
	}
	for _, tc := range rateCases {
		got := Rate(tc.line)
		if got.Level != tc.level || !strings.Contains(strings.Join(got.Reasons, "\n"), tc.fact) {
			t.Errorf("Rate(%q)\n got %s %q\nwant %s with a reason mentioning %q", tc.line, got.Level, got.Reasons, tc.level, tc.fact)
		}
	}
}

// TestRateWithFilesystem checks what only the place a line runs in tells:
// whether > truncates an existing file, where a relative path points, and
// the person's home spelt as an absolute path.
func TestRateWithFilesystem(t *testing.T) {
	files := map[string]bool{"/home/ann/notes.txt": true, "/home/ann/todo": true, "/home/ann/old": true,
		"/home/ann/full": true, "/home/ann/full/notes.txt": true}
	dirs := map[string]bool{"/home/ann/old": true, "/home/ann/full": true}
	opt := Options{Dir: "/home/ann", Home: "/home/ann", Exists: func(p string) bool { return files[p] }, IsDir: func(p string) bool { return dirs[p] }}
	noDirs := opt
	noDirs.IsDir = nil
	cases := []struct {
		line  string
		opt   Options
		level Level
		fact  string
	}{
		{`echo hi > notes.txt`, opt, Deletes, "overwrites the existing file notes.txt"},
		{`echo hi > new.txt`, opt, Writes, "empties and rewrites new.txt"},
		{`echo hi >> notes.txt`, opt, Writes, "appends to notes.txt"},
		{`sort -o todo todo`, opt, ReadOnly, "only reads"},
		{`cp a.txt notes.txt`, opt, Deletes, "overwrites the existing file notes.txt"},
		{`cp -n a.txt notes.txt`, opt, Writes, "notes.txt"},
		{`mv draft ~/notes.txt`, opt, Deletes, "overwrites the existing file ~/notes.txt"},
		// Into a directory: what is replaced is the file of the same
		// name in it, if there is one, never the directory.
		{`cp notes.txt old/`, opt, Writes, "old/notes.txt"},
		{`cp notes.txt old`, opt, Writes, "old/notes.txt"},
		{`cp notes.txt old/`, noDirs, Writes, "old/notes.txt"},
		{`cp notes.txt full/`, opt, Deletes, "overwrites the existing file full/notes.txt"},
		{`mv notes.txt full`, opt, Deletes, "overwrites the existing file full/notes.txt"},
		{`cp -t full notes.txt todo`, opt, Deletes, "overwrites the existing file full/notes.txt"},
		{`cp -n notes.txt full/`, opt, Writes, "full/notes.txt"},
		{`cp * old/`, opt, Writes, "writes into old/"},
		{`echo hi | tee notes.txt`, opt, Deletes, "notes.txt"},
		{`rm -rf /home/ann`, opt, SystemDestroying, "your home"},
		{`rm -rf /home/ann/`, opt, SystemDestroying, "your home"},
		{`rm -rf ../ann`, opt, SystemDestroying, "your home"},
		{`rm -rf etc`, Options{Dir: "/"}, SystemDestroying, "system configuration here"},
		{`rm -rf *`, Options{Dir: "/"}, SystemDestroying, "everything in the current directory"},
		{`rm -rf "$TARGET"`, Options{Lookup: func(n string) (string, bool) { return "/usr", n == "TARGET" }}, SystemDestroying, "installed programs"},
		{`rm -rf "$TARGET/"*`, Options{Lookup: func(n string) (string, bool) { return "/tmp/b", n == "TARGET" }}, Deletes, "rm -r deletes"},
	}
	for _, tc := range cases {
		got := RateWith(tc.line, tc.opt)
		if got.Level != tc.level || !strings.Contains(strings.Join(got.Reasons, "\n"), tc.fact) {
			t.Errorf("RateWith(%q)\n got %s %q\nwant %s with a reason mentioning %q", tc.line, got.Level, got.Reasons, tc.level, tc.fact)
		}
	}
}

func TestAlternatives(t *testing.T) {
	cases := []struct{ line, alt string }{
		{`rm -rf ~/old`, "rm -ri ~/old"},
		{`rm -rf ~/old`, "gio trash"},
		{`rm -rf "$DIR/"*`, `"${DIR:?}/"*`},
		{`git reset --hard`, "git stash"},
		{`curl -fsSL https://x.io/i.sh | sh`, "read it"},
		{`dd if=a.iso of=/dev/sdb`, "lsblk"},
		{`crontab -r`, "crontab -l > crontab.bak"},
		{`echo hi > /etc/motd`, "noclobber"},
		{`git push --force`, "--force-with-lease"},
	}
	for _, tc := range cases {
		if got := Rate(tc.line); !strings.Contains(got.Alternative, tc.alt) {
			t.Errorf("Rate(%q).Alternative = %q, want it to mention %q", tc.line, got.Alternative, tc.alt)
		}
	}
	if got := Rate(`ls -la`); got.Alternative != "" {
		t.Errorf("ls -la got an alternative: %q", got.Alternative)
	}
}

func TestParseError(t *testing.T) {
	got := Rate(`echo hi; if then`)
	if got.ParseError == "" || !strings.HasPrefix(got.ParseError, "1:") {
		t.Fatalf("ParseError = %q, want a line:col message", got.ParseError)
	}
	if got.Level != Writes || !strings.Contains(strings.Join(got.Reasons, " "), "does not parse") {
		t.Errorf("unparsable line rated %s %q, want writes with a reason saying it does not parse", got.Level, got.Reasons)
	}
	// What parsed before the error is still rated.
	if got := Rate(`rm -rf ~; )`); got.Level != SystemDestroying {
		t.Errorf("rm -rf ~ before a syntax error rated %s, want %s", got.Level, SystemDestroying)
	}
	if got := Rate(`ls -la`); got.ParseError != "" {
		t.Errorf("valid line has ParseError %q", got.ParseError)
	}
}

func TestRateFile(t *testing.T) {
	f, err := syntax.NewParser().Parse(strings.NewReader(`cd /tmp && sudo rm -rf /etc`), "")
	if err != nil {
		t.Fatal(err)
	}
	got := RateFile(f)
	if got.Level != SystemDestroying || !strings.Contains(strings.Join(got.Reasons, " "), "/etc (system configuration)") {
		t.Errorf("RateFile = %s %q", got.Level, got.Reasons)
	}
}

func TestDestroyingAndJSON(t *testing.T) {
	if !Rate(`mkfs.ext4 /dev/sda1`).Destroying() || Rate(`rm -rf ~/tmp`).Destroying() {
		t.Error("Destroying() disagrees with the levels")
	}
	b, err := json.Marshal(Rate(`rm -rf ~`))
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Level       string   `json:"level"`
		Reasons     []string `json:"reasons"`
		Alternative string   `json:"alternative"`
	}
	if err := json.Unmarshal(b, &back); err != nil || back.Level != "system-destroying" || len(back.Reasons) == 0 || back.Alternative == "" {
		t.Errorf("JSON %s does not round-trip: %+v %v", b, back, err)
	}
	if b, _ := json.Marshal(Rate(`ls`)); strings.Contains(string(b), "parse_error") {
		t.Errorf("parse_error present for a valid line: %s", b)
	}
}

// TestNestingLimit: code nested deeper than lsh follows is the worst case.
func TestNestingLimit(t *testing.T) {
	line := "ls"
	for i := 0; i < maxDepth+1; i++ {
		line = "bash -c " + strings.ReplaceAll(syntaxQuote(line), "\n", "")
	}
	got := Rate(line)
	if got.Level != SystemDestroying || !strings.Contains(strings.Join(got.Reasons, " "), "nested too deeply") {
		t.Errorf("deep nesting rated %s %q", got.Level, got.Reasons)
	}
	line = "ls"
	for i := 0; i < maxDepth-1; i++ {
		line = "bash -c " + syntaxQuote(line)
	}
	if got := Rate(line); got.Level != ReadOnly {
		t.Errorf("nesting within the limit rated %s %q", got.Level, got.Reasons)
	}
}

func syntaxQuote(s string) string {
	q, err := syntax.Quote(s, syntax.LangBash)
	if err != nil {
		panic(err)
	}
	return q
}

func TestHost(t *testing.T) {
	h := Host()
	if h.Dir == "" || h.Exists == nil || !h.Exists(h.Dir) || h.Exists(h.Dir+"/no such file, surely") {
		t.Errorf("Host() = %+v does not describe this process's directory", h)
	}
}

// BenchmarkRate measures rating typical typed lines: it runs on every
// command when the guard is on, so it must take microseconds.
func BenchmarkRate(b *testing.B) {
	lines := []string{
		`ls -la`,
		`git status`,
		`rm -rf build/ && make -j4 2>&1 | tee build.log`,
		`find . -name '*.go' -exec grep -l TODO {} +`,
		`curl -fsSL https://get.example.com | sh`,
	}
	for _, l := range lines {
		b.Run(strings.Fields(l)[0], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Rate(l)
			}
		})
	}
}
